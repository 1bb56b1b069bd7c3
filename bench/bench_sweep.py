"""The retention sweep over the million-image dataset, beside one hand-written SQL statement.

Each step runs in a transaction that is rolled back, so the dataset is left as it was for
the other benchmarks (its retain_until dates are datagen's, spread over past and future).
"""

from django.db import connection, transaction
from django.utils import timezone

from bench.common import Figure, timed
from bench.datagen import generate
from records.retention.compute import recompute_retention
from records.retention.sweep import due_images, sweep_retention

# The due set by hand: active, past its date, no active hold or flag, in no open batch.
DUE_SQL = """
SELECT count(*) FROM imaging_clinicalimage i
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


class _Rollback(Exception):
    pass


def _rolled_back(fn: object) -> float:
    """Time fn inside a transaction, then undo everything it wrote."""
    seconds = 0.0
    try:
        with transaction.atomic():
            seconds = timed(fn)  # type: ignore[arg-type]
            raise _Rollback
    except _Rollback:
        pass
    return seconds


def run() -> list[Figure]:
    generate()
    today = timezone.localdate()
    with connection.cursor() as cursor:
        by_hand = 0.0

        def hand() -> None:
            nonlocal by_hand
            cursor.execute(DUE_SQL, {"today": today})
            row = cursor.fetchone()
            by_hand = float(row[0]) if row else 0.0

        hand_seconds = timed(hand)
    due = 0

    def orm_count() -> None:
        nonlocal due
        due = due_images(today).count()

    orm_seconds = timed(orm_count)
    if due != by_hand:
        raise AssertionError(f"due set differs: ORM {due}, SQL {by_hand}")
    propose = _rolled_back(
        lambda: sweep_retention(actor=None, today=today, recompute=False)
    )
    recompute = _rolled_back(recompute_retention)
    return [
        Figure("sweep: images due (ORM and SQL agree)", due, "rows"),
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
            floor=hand_seconds,
            floor_label="counting the same set by hand",
        ),
        Figure("sweep: retain_until recomputed, all images", recompute, "s"),
    ]
