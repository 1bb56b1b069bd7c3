"""Derivative throughput: previews and thumbnails from phone-sized JPEGs.

The floor is what Pillow alone does for the same input: open the JPEG and decode it in
draft mode (DCT scaling to the preview's size), with no resampling, encoding or storage.
"""

import io
import os
import time
from collections.abc import Callable

from PIL import Image

from bench.common import Figure, percentiles
from imaging.services.derivatives import draft_box, render_derivatives

ROUNDS = int(os.environ.get("BENCH_THUMBNAIL_ROUNDS", "12"))
# A 12-megapixel phone photo, the commonest original.
PHOTO_SIZE = (4032, 3024)


def _phone_photo() -> bytes:
    """A photo-like JPEG: smooth gradients with sensor noise, so it compresses like one."""
    base = Image.radial_gradient("L").resize(PHOTO_SIZE)
    noise = Image.effect_noise(PHOTO_SIZE, 24)
    linear = Image.linear_gradient("L").resize(PHOTO_SIZE)
    photo = Image.merge("RGB", (base, noise, linear))
    out = io.BytesIO()
    photo.save(out, format="JPEG", quality=90)
    return out.getvalue()


def _draft_decode(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as im:
        im.draft("RGB", draft_box(im.size))
        im.load()


def _per_second(work: Callable[[], object]) -> tuple[float, list[float]]:
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return len(samples) / sum(samples), samples


def run() -> list[Figure]:
    photo = _phone_photo()
    render_derivatives(photo)  # warm up codecs and caches
    rate, samples = _per_second(lambda: render_derivatives(photo))
    floor, floor_samples = _per_second(lambda: _draft_decode(photo))
    p50, p95 = percentiles(samples)
    floor_p50, floor_p95 = percentiles(floor_samples)
    return [
        Figure(
            "thumbnails: 12 MP JPEG -> preview + thumbnail",
            rate,
            "images/s",
            floor,
            "Pillow draft-mode decode alone",
        ),
        Figure(
            "thumbnails: per image p50",
            p50 * 1000,
            "ms",
            floor_p50 * 1000,
            "draft-mode decode p50",
        ),
        Figure(
            "thumbnails: per image p95",
            p95 * 1000,
            "ms",
            floor_p95 * 1000,
            "draft-mode decode p95",
        ),
    ]
