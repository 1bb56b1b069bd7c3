"""How long the million-row dataset takes to make (it must be minutes, not hours).

The time to make the dataset is the one measured when it was made (kept in the bench
database), since later runs only find the rows. The insert rate is timed afresh every run
(100,000 image rows, rolled back) beside a plain INSERT ... SELECT of as many rows of the
same width into an unlogged table with no index or constraint: what writing those bytes
costs with no schema in the way.
"""

import time

from django.db import connection, transaction

from bench.common import Figure, fact
from bench.datagen import HEAVY_IMAGES, IMAGES_SQL, Dataset, bench_dataset

FRESH_IMAGES = 100_000

# One real bench row repeated: the same width as the rows the generator writes.
FLOOR_SQL = """
INSERT INTO bench_insert_floor
SELECT image.* FROM generate_series(1, %(n)s) AS g
CROSS JOIN (SELECT * FROM imaging_clinicalimage
            WHERE storage_name LIKE 'bench/%%' LIMIT 1) AS image
"""


def _rolled_back_rate(sql: str, params: dict[str, object], setup: str = "") -> float:
    """Rows per second of one INSERT, in a transaction that is then rolled back."""
    with transaction.atomic(), connection.cursor() as cursor:
        if setup:
            cursor.execute(setup)
        start = time.perf_counter()
        cursor.execute(sql, params)
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return FRESH_IMAGES / elapsed


def _insert_rates(data: Dataset) -> tuple[float, float]:
    """Image rows/s through the generator's SQL, and the plain same-width insert."""
    ours = _rolled_back_rate(
        IMAGES_SQL,
        {
            "n": FRESH_IMAGES,
            "user": data.nurse.pk,
            "heavy": data.heavy_patient.pk,
            "heavy_n": HEAVY_IMAGES,
        },
    )
    floor = _rolled_back_rate(
        FLOOR_SQL,
        {"n": FRESH_IMAGES},
        setup="CREATE UNLOGGED TABLE bench_insert_floor (LIKE imaging_clinicalimage)",
    )
    return ours, floor


def _made(data: Dataset) -> list[Figure]:
    if data.made_seconds is None or data.made_at is None:
        return []
    when = "in this run" if data.made_now else f"on {data.made_at:%Y-%m-%d %H:%M %Z}"
    return [
        fact(
            "datagen: time it took to make the dataset",
            data.made_seconds,
            "s",
            f"measured when it was made, {when}",
        )
    ]


def run() -> list[Figure]:
    data = bench_dataset()
    ours, floor = _insert_rates(data)
    present = "made in this run" if data.made_now else "already present, not remade"
    if data.made_seconds is None:
        present += "; how long it took to make was not recorded"
    return [
        *_made(data),
        fact("datagen: images in the bench database", data.images, "rows", present),
        Figure(
            f"datagen: image insert rate ({FRESH_IMAGES:,} rows, rolled back)",
            ours,
            "rows/s",
            floor,
            "same-width rows into an unlogged table, no indexes",
        ),
    ]
