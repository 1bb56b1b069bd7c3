"""Schemathesis fuzzes every operation in /api/schema/ as each role: no 5xx, no schema breach.

It runs against a live server deterministically with a fixed example budget, so the run is the same
each time and every endpoint added to the schema later is attacked without a new test.
"""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from accounts.api_tokens import issue_api_token

pytestmark = pytest.mark.django_db(transaction=True)

ST = Path(sys.executable).with_name("st")
# 15 examples an operation and role: every operation's parameters, bodies and edge cases
# reached in about two minutes a role; CUSTODIAN_FUZZ_EXAMPLES=100 for a deeper run.
BUDGET = os.environ.get("CUSTODIAN_FUZZ_EXAMPLES", "15")
ROLES = [
    "nurse",
    "records_manager",
    "legal_officer",
    "privacy_officer",
    "administrator",
]


def _fuzz(
    base_url: str, token: str | None, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    command = [
        str(ST),
        "run",
        f"{base_url}/api/schema/?format=json",
        "--url",
        base_url,
        "--checks",
        "not_a_server_error,response_schema_conformance",
        # A refused request can close the test server's socket before the body is read;
        # retry those network-level hiccups only (server errors still fail the run).
        "--request-retries",
        "2",
        "--max-examples",
        BUDGET,
        "--generation-deterministic",
        "--request-timeout",
        "30",
        "--report-dir",
        str(tmp_path),
    ]
    if token:
        command += ["--header", f"Authorization: Token {token}"]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"}
    return subprocess.run(  # noqa: S603 - our own venv's schemathesis
        command,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        check=False,
        cwd=tmp_path,
    )


def _lift_rate_limits(settings: Any) -> None:
    """The fuzzer is one client sending hundreds of requests; limits are tested elsewhere."""
    settings.CUSTODIAN_API_USER_RATE = "100000/hour"
    settings.CUSTODIAN_API_ANON_RATE = "100000/hour"
    settings.CUSTODIAN_LOGIN_ATTEMPTS_PER_IP = 100000
    settings.CUSTODIAN_LOGIN_ATTEMPTS_PER_USER = 100000


@pytest.mark.parametrize("cast", ROLES)
def test_fuzzing_the_api_as_each_role_finds_no_server_error_or_schema_breach(
    cast: str,
    request: pytest.FixtureRequest,
    live_server: Any,
    settings: Any,
    tmp_path: Path,
    patient: Any,
    wound_photo: Any,
) -> None:
    _lift_rate_limits(settings)
    user: User = request.getfixturevalue(cast)
    _, token = issue_api_token(user=user, device="Schemathesis")
    done = _fuzz(live_server.url, token, tmp_path)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "No issues found" in done.stdout or "passed" in done.stdout.lower()


def test_fuzzing_the_api_without_a_token_finds_no_server_error(
    live_server: Any, settings: Any, tmp_path: Path, nurse: User
) -> None:
    _lift_rate_limits(settings)
    done = _fuzz(live_server.url, None, tmp_path)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
