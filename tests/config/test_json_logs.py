"""CUSTODIAN_LOG_FORMAT=json gives one JSON object a line that a log shipper can parse."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from config.logging import JsonFormatter
from tests.config.processes import ENTRY, run

EMIT = (
    ENTRY + "import django, logging; django.setup(); "
    "logging.getLogger('custodian.test').warning('disk %s nearly full', 'media', "
    "extra={'image': 'a1b2'})"
)


def _emit(tmp_path: Path, log_format: str) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CUSTODIAN_")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CUSTODIAN_DATA_DIR": str(tmp_path),
        "CUSTODIAN_LOG_FORMAT": log_format,
    }
    env.pop("DATABASE_URL", None)
    return run(env, "-c", EMIT)


def test_json_format_writes_each_record_as_one_json_line(tmp_path: Path) -> None:
    done = _emit(tmp_path, "json")

    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stderr.strip().splitlines()[-1])
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "custodian.test"
    assert entry["message"] == "disk media nearly full"
    assert entry["image"] == "a1b2"
    assert entry["time"].endswith("+00:00")


def test_an_unknown_log_format_is_refused_at_start(tmp_path: Path) -> None:
    done = _emit(tmp_path, "xml")

    assert done.returncode != 0
    assert "CUSTODIAN_LOG_FORMAT must be 'plain' or 'json'" in done.stderr


def test_an_exception_is_kept_whole_inside_its_one_line() -> None:
    try:
        raise ValueError("segment 3 failed authentication")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "verify failed", None, sys.exc_info()
        )

    line = JsonFormatter().format(record)

    assert "\n" not in line
    assert (
        "ValueError: segment 3 failed authentication" in json.loads(line)["exception"]
    )
