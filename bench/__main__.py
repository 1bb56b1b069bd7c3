"""Run every bench/bench_*.py module, print a table and write bench/results/latest.json.

Each module defines run() -> list[Figure]. A figure is printed beside its floor (what the
machine does with no application in the way), so every number has something to compare to.
Select modules by name: python -m bench ingest audit
"""

import importlib
import json
import os
import pkgutil
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

import django

RESULTS = Path(__file__).resolve().parent / "results"


def main(selected: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from bench.common import Figure

    figures: list[Figure] = []
    names = sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    for name in names:
        if selected and name.removeprefix("bench_") not in selected:
            continue
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        for figure in module.run():
            print(figure.line(), flush=True)
            figures.append(figure)
    RESULTS.mkdir(exist_ok=True)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "figures": [f.as_dict() for f in figures],
    }
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"\n{len(figures)} figures written to {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main(sys.argv[1:])
