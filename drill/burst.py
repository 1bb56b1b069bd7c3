"""A burst of API uploads with faults turned on and off under it, and what it left.

The scenarios that cut a dependency (drill.scenario_storage, drill.scenario_database)
share it: a fresh site behind a drill.faultproxy, a phone client uploading (Idempotency-
Key, retries), each fault held for its time while /readyz is asked twice a second, then
the dependency back and the client's next receipts awaited.
"""

import time
from dataclasses import dataclass

from drill.faultproxy import FORWARD, FaultProxy
from drill.left import Left, what_was_left
from drill.outcome import Outcome
from drill.stack import Site, serving
from drill.uploads import Uploader

BEFORE = 5  # receipts before the fault
AFTER = 8  # receipts after the dependency is back


@dataclass(frozen=True)
class Burst:
    uploader: Uploader
    during: int  # receipts returned while a fault was on
    readyz_said: list[str]
    first_after_s: float
    ready_after: int
    left: Left


def upload_through(
    site: Site, proxy: FaultProxy, faults: list[tuple[str, float]]
) -> Burst:
    site.create_databases()
    site.migrate()
    made = site.step("setup")
    with serving(site) as api:
        uploader = Uploader(api, api.token("ward.nurse"), made["patients"]).start()
        uploader.wait_for(BEFORE)
        before = len(uploader.receipts)
        said: list[str] = []
        for mode, seconds in faults:
            proxy.set(mode)
            said += api.watch_readiness(seconds)
        proxy.set(FORWARD)
        back = time.monotonic()
        during = len(uploader.receipts) - before
        uploader.wait_for(len(uploader.receipts) + AFTER)
        first_after = time.monotonic() - back
        uploader.stop()
        ready_after, _ = api.readiness()
        left = what_was_left(site, api, uploader)
    return Burst(uploader, during, said, first_after, ready_after, left)


def outcome(name: str, fault: str, burst: Burst, down: str) -> Outcome:
    """The scenario's line: ok if nothing was left and /readyz named `down` throughout."""
    uploader = burst.uploader
    named = all(down in line for line in burst.readyz_said)
    return Outcome(
        name=name,
        fault=fault,
        in_flight=(
            f"{len(uploader.receipts) + uploader.gave_up} API uploads "
            f"({burst.during} receipted during the fault)"
        ),
        client_saw=(
            uploader.saw()
            + f", gave up {uploader.gave_up}; /readyz during the fault: "
            + (f"503 naming {down}" if named else str(sorted(set(burst.readyz_said))))
            + f", after: {burst.ready_after}"
        ),
        left=burst.left.text(),
        ok=burst.left.ok
        and not uploader.not_retryable
        and named
        and burst.ready_after == 200,
        figures={
            "receipted": len(uploader.receipts),
            "gave_up": uploader.gave_up,
            "not_retryable_5xx": dict(uploader.not_retryable),
            "first_receipts_after_s": round(burst.first_after_s, 1),
            "readyz_during": sorted(set(burst.readyz_said)),
            "without_derivatives": burst.left.without_derivatives,
            "verify_storage_problems": burst.left.problems,
            "last_refusal": uploader.last_refusal[:200],
        },
    )
