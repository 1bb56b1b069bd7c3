"""Shared pieces for benchmarks: a figure with its floor, and timing helpers."""

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    """A measured figure beside its floor, or a plain fact (a count or size, no floor).

    For a fact, floor_label is a note saying what the number is, since there is nothing
    to compare it with; every timed figure is meant to carry a floor.
    """

    name: str
    value: float
    unit: str
    floor: float | None = None
    floor_label: str = ""
    is_fact: bool = False

    def line(self) -> str:
        if self.is_fact:
            beside = f"   (fact: {self.floor_label})" if self.floor_label else ""
        elif self.floor is None:
            beside = "   (no floor measured)"
        else:
            beside = f"   floor {self.floor:,.2f} {self.unit} ({self.floor_label})"
        return f"  {self.name:<48} {self.value:>12,.2f} {self.unit}{beside}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def fact(name: str, value: float, unit: str, note: str = "") -> Figure:
    """A number reported as it is (how many rows, how large): not a timing."""
    return Figure(name, value, unit, floor_label=note, is_fact=True)


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 of a list of samples."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
