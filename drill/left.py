"""What a fault left behind, checked the same way after every scenario.

Lost: a receipted image the API no longer returns, or returns with other bytes.
Duplicated: two rows of one patient with the same bytes. Abandoned but stored: an upload
its client gave up on (refused every time) that was stored all the same. Orphans and
the rest: verify_storage's report; verify_audit over the whole chain.
"""

from dataclasses import dataclass

from drill.stack import Api, Site, psql, sha256
from drill.uploads import Uploader


def storage_problems(site: Site) -> tuple[bool, dict[str, int]]:
    """Whether verify_storage passed, and how many problems of each kind it reported."""
    done = site.manage("verify_storage", check=False)
    kinds: dict[str, int] = {}
    for line in done.stderr.splitlines():
        word = line.split(" ", 1)[0].rstrip(":")
        if word.isupper():
            kinds[word] = kinds.get(word, 0) + 1
    return done.returncode == 0, kinds


def kinds(problems: dict[str, int]) -> str:
    return "reports " + ", ".join(f"{kind} {n}" for kind, n in sorted(problems.items()))


@dataclass(frozen=True)
class Left:
    lost: int
    duplicated: int
    abandoned_stored: int
    storage_ok: bool
    problems: dict[str, int]
    audit_ok: bool
    without_derivatives: int

    @property
    def ok(self) -> bool:
        return (
            not self.lost
            and not self.duplicated
            and not self.abandoned_stored
            and self.storage_ok
            and self.audit_ok
        )

    def text(self) -> str:
        return (
            f"lost {self.lost}, duplicated {self.duplicated}, "
            f"orphans {self.problems.get('ORPHAN', 0)}, "
            f"stored though refused {self.abandoned_stored}, verify_storage "
            + ("clean" if self.storage_ok else kinds(self.problems))
            + ", verify_audit "
            + ("clean" if self.audit_ok else "BROKEN")
            + f", without derivatives {self.without_derivatives}"
        )


def what_was_left(site: Site, api: Api, uploader: Uploader) -> Left:
    token = api.token("ward.nurse")
    lost = 0
    for receipt in uploader.receipts:
        answer = api.original(token, receipt.image)
        if answer.status_code != 200 or sha256(answer.content) != receipt.sha256:
            lost += 1
    duplicated = int(
        psql(
            "SELECT count(*) - count(DISTINCT (patient_id, sha256)) "
            "FROM imaging_clinicalimage",
            site.database,
        )
    )
    abandoned_stored = 0
    if uploader.abandoned:
        listed = ", ".join(f"'{digest}'" for digest in uploader.abandoned)
        abandoned_stored = int(
            psql(
                f"SELECT count(*) FROM imaging_clinicalimage WHERE sha256 IN ({listed})",
                site.database,
            )
        )
    ids = ", ".join(f"'{r.image}'" for r in uploader.receipts) or "NULL"
    without_derivatives = int(
        psql(
            "SELECT count(*) FROM imaging_clinicalimage i WHERE i.public_id::text IN "
            f"({ids}) AND (SELECT count(*) FROM imaging_derivative d "
            "WHERE d.image_id = i.id) < 2",
            site.database,
        )
    )
    storage_ok, problems = storage_problems(site)
    audit = site.manage("verify_audit", check=False)
    return Left(
        lost=lost,
        duplicated=duplicated,
        abandoned_stored=abandoned_stored,
        storage_ok=storage_ok,
        problems=problems,
        audit_ok=audit.returncode == 0,
        without_derivatives=without_derivatives,
    )
