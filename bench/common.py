"""Shared pieces for benchmarks: a figure with its floor, and timing helpers."""

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    floor: float | None = None
    floor_label: str = ""

    def line(self) -> str:
        floor = (
            f"   floor {self.floor:,.2f} {self.unit} ({self.floor_label})"
            if (self.floor is not None)
            else ""
        )
        return f"  {self.name:<48} {self.value:>12,.2f} {self.unit}{floor}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 of a list of samples."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
