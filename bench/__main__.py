"""Run every bench/bench_*.py module, print a table and write bench/results/latest.json.

Each module defines run() -> list[Figure]. A timed figure is printed beside its floor (what
the machine does with no application in the way), so every timing has something to compare
to; a fact (a count or a size) shows "—" there. Select modules by name:
python -m bench ingest audit
"""

import importlib
import json
import os
import pkgutil
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import django

if TYPE_CHECKING:
    from bench.common import Figure

RESULTS = Path(__file__).resolve().parent / "results"


def main(selected: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Read before any benchmark loads the machine: a busy start explains odd figures.
    load_at_start = os.getloadavg()[0]
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
    _print_table(figures)
    RESULTS.mkdir(exist_ok=True)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_total_kib": _memory_total_kib(),
            "load_average_1min_at_start": load_at_start,
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "figures": [f.as_dict() for f in figures],
    }
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"\n{len(figures)} figures written to {RESULTS / 'latest.json'}")


def _memory_total_kib() -> int | None:
    """The machine's memory (MemTotal in /proc/meminfo), or None off Linux."""
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith("MemTotal:"):
            return int(line.split()[1])
    return None


def _floor_cells(figure: "Figure") -> tuple[str, str]:
    """The floor and what it is; a fact has none, a timing without one says so."""
    if figure.is_fact:
        return "—", figure.floor_label
    if figure.floor is None:
        return "", "no floor measured"
    return f"{figure.floor:,.2f}", figure.floor_label


def _print_table(figures: "list[Figure]") -> None:
    """Every figure of the run in one table, each timing beside its floor."""
    rows = [(f.name, f"{f.value:,.2f}", f.unit, *_floor_cells(f)) for f in figures]
    header = ("figure", "value", "unit", "floor", "floor is")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print()
    for row in [header, tuple("-" * w for w in widths), *rows]:
        cells = [
            cell.rjust(width) if i in (1, 3) else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        print(" | ".join(cells).rstrip())


if __name__ == "__main__":
    main(sys.argv[1:])
