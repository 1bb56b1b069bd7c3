"""The restore drill: back up while uploads go on, dispose after, lose the site, restore.

Backup order (docs/operations.md): the main database, then the key store, then the
bucket. pg_dump reads one snapshot taken as it starts; an image row in it was committed
after its key and its object, so keys and objects copied later include them. The
disposal register is exported to a folder that is not backed up or restored with them
(CUSTODIAN_REGISTER_EXPORT_DIR); after restoring, reapply_disposals reads it before the
site reopens.
"""

import re
import shutil
import subprocess
import time
from pathlib import Path

from drill.left import kinds, storage_problems
from drill.outcome import Outcome
from drill.stack import DATA_DIR, S3, Site, new_keys, psql, serving, sha256
from drill.uploads import Uploader

BEFORE_BACKUP = 12  # receipts returned before the backup starts
CHECKPOINT = re.compile(r"^checkpoint (\d+:[0-9a-f]{64})$", re.MULTILINE)
REAPPLIED = re.compile(r"^Re-applied (\d+),", re.MULTILINE)


def _checkpoint(site: Site) -> str:
    done = site.manage("verify_audit")
    found = CHECKPOINT.search(done.stdout)
    assert found, done.stdout
    return found[1]


def _dump(database: str, path: Path) -> None:
    subprocess.run(
        [
            "pg_dump",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-Fc",
            "-f",
            str(path),
            database,
        ],
        check=True,
    )


def _restore(path: Path, database: str) -> None:
    connect = ["-h", "127.0.0.1", "-U", "postgres", "-d", database]
    subprocess.run(["pg_restore", *connect, "--no-owner", str(path)], check=True)


def run() -> list[Outcome]:
    backup_dir = DATA_DIR / "backup"
    backup_dir.mkdir(parents=True, exist_ok=True)
    master_key, secret = new_keys(DATA_DIR / "keys")
    # Kept apart from everything backed up and restored: both sites write and read it.
    register = DATA_DIR / "register-export"
    shutil.rmtree(register, ignore_errors=True)
    with S3() as s3:
        live = Site("live", s3, s3.new_bucket(), master_key, secret)
        live.extra["CUSTODIAN_DISPOSAL_WAIT_DAYS"] = "0"
        restored = Site("restored", s3, s3.new_bucket(), master_key, secret)
        for site in (live, restored):
            site.extra["CUSTODIAN_REGISTER_EXPORT_DIR"] = str(register)
        try:
            return [_drill(live, restored, s3, backup_dir, register)]
        finally:
            live.drop_databases()
            restored.drop_databases()


def _drill(
    live: Site, restored: Site, s3: S3, backup_dir: Path, register: Path
) -> Outcome:
    live.create_databases()
    live.migrate()
    made = live.step("setup")
    backup_bucket = s3.new_bucket()
    with serving(live) as api:
        uploader = Uploader(api, api.token("ward.nurse"), made["patients"]).start()
        uploader.wait_for(BEFORE_BACKUP)
        checkpoint = _checkpoint(live)
        backup_started = time.time()
        before = uploader.receipted_before(backup_started)
        _dump(live.database, backup_dir / "main.dump")
        _dump(live.keys_database, backup_dir / "keys.dump")
        copied = s3.copy_bucket(live.bucket, backup_bucket)
        backup_took = time.time() - backup_started
        uploader.wait_for(len(uploader.receipts) + 3)
        uploader.stop()
        disposal = live.step("dispose", made["old_image"])
        after_disposal = live.step("readable", made["old_image"], made["old_sha256"])
    lost_at = time.time()  # the site is lost now: everything after the backup with it

    restore_started = time.monotonic()
    restored.create_databases()
    _restore(backup_dir / "main.dump", restored.database)
    _restore(backup_dir / "keys.dump", restored.keys_database)
    s3.copy_bucket(backup_bucket, restored.bucket)
    # Before the site reopens: destroy again what the restore brought back.
    reapplied = REAPPLIED.search(
        restored.manage("reapply_disposals", str(register)).stdout
    )
    assert reapplied, "reapply_disposals printed no summary"
    with serving(restored) as api:
        recovery_time = time.monotonic() - restore_started
        token = api.token("ward.nurse")
        kept, lost = [], []
        for receipt in uploader.receipts:
            answer = api.original(token, receipt.image)
            if answer.status_code == 200 and sha256(answer.content) == receipt.sha256:
                kept.append(receipt)
            else:
                lost.append(receipt)
    lost_before = [r for r in lost if r in before]
    newest_kept = max(r.returned_at for r in kept)
    duplicated = int(
        psql(
            "SELECT count(*) - count(DISTINCT (patient_id, sha256)) "
            "FROM imaging_clinicalimage",
            restored.database,
        )
    )
    audit = restored.manage("verify_audit", "--checkpoint", checkpoint, check=False)
    storage_ok, problems = storage_problems(restored)
    disposed = restored.step("readable", made["old_image"], made["old_sha256"])
    disposal_held = not disposed["readable"] and not problems.get("UNSHREDDED")
    return Outcome(
        name="restore",
        fault="site lost; restored from pg_dump (main, keys) + bucket copy",
        in_flight=(
            f"{len(uploader.receipts)} API uploads, {len(before)} receipted before "
            f"the backup; {copied} objects copied in {backup_took:.1f} s; a disposal after"
        ),
        client_saw=uploader.saw() + f", gave up {uploader.gave_up}",
        left=(
            f"lost {len(lost_before)} of {len(before)} receipted before the backup "
            f"({len(lost)} of {len(uploader.receipts)} in all), duplicated {duplicated}, "
            f"orphans {problems.get('ORPHAN', 0)}, verify_storage "
            + ("clean" if storage_ok else kinds(problems))
            + ", verify_audit against the checkpoint "
            + ("clean" if audit.returncode == 0 else "BROKEN")
            + "; the disposed image "
            + (
                "stays disposed (re-applied from the exported register)"
                if disposal_held
                else "is READABLE AGAIN (its key came back with the key store's backup)"
            )
        ),
        ok=not lost_before
        and duplicated == 0
        and audit.returncode == 0
        and not after_disposal["readable"]
        and disposal["status"] == "disposed"
        and disposal_held,
        figures={
            "recovery_point_s": round(lost_at - newest_kept, 1),
            "recovery_time_s": round(recovery_time, 1),
            "backup_s": round(backup_took, 1),
            "receipted_before_backup": len(before),
            "lost_before_backup": len(lost_before),
            "lost_after_backup": len(lost) - len(lost_before),
            "disposed_image_stays_disposed": disposal_held,
            "disposals_reapplied": int(reapplied[1]),
            "verify_storage_problems": problems,
        },
    )
