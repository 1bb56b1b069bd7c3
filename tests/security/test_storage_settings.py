"""Object storage is private: no public ACL, short signed URLs, no overwrites, encrypted."""

import json
from pathlib import Path

from tests.config.processes import ENTRY, clean_env, run

PROBE = (
    ENTRY
    + "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'storage': s.STORAGES['default'], 'media_url': s.MEDIA_URL}))"
)


def test_s3_objects_are_private_and_reached_only_through_short_signed_urls(
    tmp_path: Path,
) -> None:
    env = clean_env(
        tmp_path, STORAGE_BACKEND="s3", AWS_STORAGE_BUCKET_NAME="custodian-originals"
    )
    done = run(env, "-c", PROBE)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    options = found["storage"]["OPTIONS"]
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True
    assert 0 < options["querystring_expire"] <= 300
    assert options["signature_version"] == "s3v4"
    assert options["file_overwrite"] is False
    assert options["object_parameters"]["ServerSideEncryption"] == "AES256"
    assert not options.get("custom_domain")


def test_local_files_are_readable_by_the_service_account_alone(tmp_path: Path) -> None:
    done = run(clean_env(tmp_path), "-c", PROBE)
    options = json.loads(done.stdout.strip().splitlines()[-1])["storage"]["OPTIONS"]
    assert options["file_permissions_mode"] == 0o600
    assert options["directory_permissions_mode"] == 0o700
