"""One scenario's result: the line `make drill` prints, and figures for the JSON report."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Outcome:
    name: str
    fault: str
    in_flight: str
    client_saw: str
    left: str
    ok: bool
    figures: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        verdict = "PASS" if self.ok else "FAIL"
        return (
            f"{verdict} {self.name}: fault: {self.fault} | in flight: {self.in_flight}"
            f" | client saw: {self.client_saw} | left: {self.left}"
        )
