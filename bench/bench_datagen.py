"""How long the million-row dataset takes to make (it must be minutes, not hours)."""

import os

from bench.common import Figure
from bench.datagen import generate

PATIENTS = int(os.environ.get("BENCH_PATIENTS", "100000"))
IMAGES = int(os.environ.get("BENCH_IMAGES", "1000000"))


def run() -> list[Figure]:
    data = generate(patients=PATIENTS, images=IMAGES)
    return [
        Figure("datagen: dataset ready (0 if it already existed)", data.seconds, "s"),
        Figure("datagen: images in the bench database", data.images, "rows"),
    ]
