"""The retention sweep over the million-image dataset, beside hand-written SQL.

Each step runs in a transaction that is rolled back, so the dataset is left as it was for
the other benchmarks (its retain_until dates are datagen's, spread over past and future).
The floors: counting the due set in one statement; writing that set into the disposal
items with one INSERT ... SELECT (and the batch row it hangs from); and, for the
recompute, one UPDATE writing the same three columns on every active image with a fixed
date instead of the rules, which is the cost of the writes alone.
"""

import time
from collections.abc import Callable
from typing import TypeVar

from django.db import connection, transaction
from django.utils import timezone

from bench.common import Figure, fact, timed
from bench.datagen import bench_dataset
from retention.compute import recompute_retention
from retention.sweep import due_images, sweep_retention

T = TypeVar("T")

# The due set by hand: active, past its date, no active hold or flag, in no open batch.
DUE_FROM = """
FROM imaging_clinicalimage i
WHERE i.status = 'active' AND i.retain_until < %(today)s
  AND NOT EXISTS (SELECT 1 FROM records_legalhold_patients hp
                  JOIN records_legalhold h ON h.id = hp.legalhold_id
                  WHERE h.released_at IS NULL AND hp.patient_id = i.patient_id)
  AND NOT EXISTS (SELECT 1 FROM records_legalhold_images hi
                  JOIN records_legalhold h ON h.id = hi.legalhold_id
                  WHERE h.released_at IS NULL AND hi.clinicalimage_id = i.id)
  AND NOT EXISTS (SELECT 1 FROM records_medicolegalflag f
                  WHERE f.cleared_at IS NULL
                    AND (f.patient_id = i.patient_id OR f.image_id = i.id))
  AND NOT EXISTS (SELECT 1 FROM records_disposalitem d
                  JOIN records_disposalbatch b ON b.id = d.batch_id
                  WHERE d.image_id = i.id AND d.outcome = 'pending'
                    AND b.status IN ('proposed', 'approved_once', 'approved',
                                     'disposing'))
"""
DUE_COUNT_SQL = "SELECT count(*)" + DUE_FROM
BATCH_SQL = """
INSERT INTO records_disposalbatch (public_id, status, due_on, proposed_at)
VALUES (gen_random_uuid(), 'proposed', %(today)s, now()) RETURNING id
"""
ITEMS_SQL = (
    "INSERT INTO records_disposalitem"
    " (batch_id, image_id, retain_until, basis, outcome, note)"
    " SELECT %(batch)s, i.id, i.retain_until, i.retention_basis, 'pending', ''"
    + DUE_FROM
)
# The columns recompute_for_facility writes, with a fixed rule in place of the real ones.
REWRITE_SQL = """
UPDATE imaging_clinicalimage
SET retain_until = (captured_at + interval '7 years')::date,
    retention_basis = 'bench floor: 7 years after capture',
    retention_computed_at = now()
WHERE status = 'active'
"""


class _Rollback(Exception):
    pass


def _rolled_back(fn: Callable[[], T]) -> tuple[float, T]:
    """Time fn inside a transaction, then undo everything it wrote; seconds and result."""
    outcome: list[tuple[float, T]] = []
    try:
        with transaction.atomic():
            start = time.perf_counter()
            result = fn()
            outcome.append((time.perf_counter() - start, result))
            raise _Rollback
    except _Rollback:
        pass
    return outcome[0]


def _vacuumed(fn: Callable[[], T]) -> tuple[float, T]:
    """_rolled_back, after clearing the dead rows the last rolled-back rewrite left.

    Otherwise whichever rewrite runs second also wades through the first one's million
    dead row versions, and the comparison says more about order than about work.
    """
    with connection.cursor() as cursor:
        cursor.execute("VACUUM imaging_clinicalimage")
    return _rolled_back(fn)


def _execute(sql: str, params: dict[str, object]) -> int:
    """Run one statement; the rows it wrote."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def _count_due(today: object) -> int:
    with connection.cursor() as cursor:
        cursor.execute(DUE_COUNT_SQL, {"today": today})
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _propose_by_hand(today: object) -> int:
    """The batch row and its items, as one hand-written INSERT ... SELECT."""
    with connection.cursor() as cursor:
        cursor.execute(BATCH_SQL, {"today": today})
        row = cursor.fetchone()
        assert row is not None
        cursor.execute(ITEMS_SQL, {"batch": row[0], "today": today})
        return int(cursor.rowcount)


def run() -> list[Figure]:
    bench_dataset()
    today = timezone.localdate()
    by_hand: list[int] = []
    hand_seconds = timed(lambda: by_hand.append(_count_due(today)))
    due: list[int] = []
    orm_seconds = timed(lambda: due.append(due_images(today).count()))
    if due != by_hand:
        raise AssertionError(f"due set differs: ORM {due}, SQL {by_hand}")
    propose, proposed = _rolled_back(
        lambda: sweep_retention(actor=None, today=today, recompute=False).due
    )
    propose_floor, inserted = _rolled_back(lambda: _propose_by_hand(today))
    if proposed != inserted:
        raise AssertionError(f"batch sizes differ: sweep {proposed}, SQL {inserted}")
    recompute, rewritten = _vacuumed(recompute_retention)
    rewrite_floor, active = _vacuumed(lambda: _execute(REWRITE_SQL, {}))
    return [
        fact("sweep: images due", due[0], "rows", "ORM and hand-written SQL agree"),
        Figure(
            "sweep: due set counted by the ORM",
            orm_seconds,
            "s",
            floor=hand_seconds,
            floor_label="one hand-written SQL statement",
        ),
        Figure(
            "sweep: batch proposed (INSERT ... SELECT)",
            propose,
            "s",
            floor=propose_floor,
            floor_label="batch row + one hand-written INSERT ... SELECT of the set",
        ),
        fact(
            "sweep: rows the recompute rewrote",
            rewritten,
            "rows",
            f"of {active:,} active images",
        ),
        Figure(
            "sweep: retain_until recomputed, all images",
            recompute,
            "s",
            floor=rewrite_floor,
            floor_label="one UPDATE of the same columns, fixed date (write cost only)",
        ),
    ]
