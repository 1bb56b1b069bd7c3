"""How long the million-row dataset takes to make (it must be minutes, not hours)."""

import os
import time

from django.db import connection, transaction

from bench.common import Figure
from bench.datagen import HEAVY_IMAGES, IMAGES_SQL, Dataset, generate

PATIENTS = int(os.environ.get("BENCH_PATIENTS", "100000"))
IMAGES = int(os.environ.get("BENCH_IMAGES", "1000000"))
FRESH_IMAGES = 100_000


def _fresh_insert_rate(data: Dataset) -> float:
    """Images inserted per second, timed afresh and rolled back, so re-runs measure it too."""
    with transaction.atomic(), connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(
            IMAGES_SQL,
            {
                "n": FRESH_IMAGES,
                "user": data.nurse.pk,
                "heavy": data.heavy_patient.pk,
                "heavy_n": HEAVY_IMAGES,
            },
        )
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return FRESH_IMAGES / elapsed


def run() -> list[Figure]:
    data = generate(patients=PATIENTS, images=IMAGES)
    return [
        Figure("datagen: dataset ready (0 if it already existed)", data.seconds, "s"),
        Figure("datagen: images in the bench database", data.images, "rows"),
        Figure(
            f"datagen: image insert rate ({FRESH_IMAGES:,} rows, rolled back)",
            _fresh_insert_rate(data),
            "rows/s",
        ),
    ]
