"""Run every drill/scenario_*.py module, one line per scenario; figures to JSON.

Each module defines run() -> list[Outcome]. Select scenarios by name:
python -m drill restore
"""

import importlib
import json
import pkgutil
import sys
from datetime import UTC, datetime
from pathlib import Path

from drill.outcome import Outcome

RESULTS = Path(__file__).resolve().parent / "results"


def main(selected: list[str]) -> int:
    names = sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("scenario_")
    )
    outcomes: list[Outcome] = []
    for name in names:
        if selected and name.removeprefix("scenario_") not in selected:
            continue
        print(f"== {name}", flush=True)
        for outcome in importlib.import_module(f"drill.{name}").run():
            print(outcome.line(), flush=True)
            for figure, value in outcome.figures.items():
                print(f"   {figure}: {value}", flush=True)
            outcomes.append(outcome)
    RESULTS.mkdir(exist_ok=True)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenarios": [
            {"line": o.line(), "ok": o.ok, "figures": o.figures} for o in outcomes
        ],
    }
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    failed = [o.name for o in outcomes if not o.ok]
    print(f"\n{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
