"""Hard copies: pages/s and peak memory for a 200-image batch, beside img2pdf.

img2pdf embeds JPEGs into a PDF without decoding them: the floor for "JPEG bytes into a
PDF". Our batch does the same embed for photos already at or under print resolution,
plus the page furniture (identifiers, provenance, QR code) and files of
CUSTODIAN_HARD_COPY_PAGES_PER_FILE pages, exactly as rendering.py does. A second batch
of full-size phone photos measures the reduce-to-300-dpi path. Each run is a fresh child
process, so its peak resident memory is its own.
"""

import io
import multiprocessing
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import img2pdf
from django.conf import settings
from PIL import Image

from bench.common import Figure
from hardcopy import pdf
from hardcopy.pictures import prepare

BATCH = 200
PHONE_SIZE = (1600, 1200)
# Full-size photos are decoded and reduced: a smaller batch keeps `make bench` short.
FULL_BATCH = 40
FULL_SIZE = (4032, 3024)


def _photo(size: tuple[int, int], seed: int) -> bytes:
    """A photo-like JPEG: smooth shading with sensor noise, different for every seed."""
    shade = Image.linear_gradient("L").resize(size).rotate(seed % 360)
    noise = Image.effect_noise(size, 24)
    green = Image.blend(shade, noise, 0.3)
    rgb = Image.merge("RGB", (shade, green, noise))
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=88)
    return out.getvalue()


def _write_photos(folder: Path, size: tuple[int, int], count: int) -> list[Path]:
    paths = []
    for n in range(count):
        path = folder / f"{size[0]}-{n:03d}.jpg"
        path.write_bytes(_photo(size, n))
        paths.append(path)
    return paths


def _header() -> pdf.PageHeader:
    return pdf.PageHeader(
        patient_name="CITIZEN, Jane",
        mrn="500123",
        date_of_birth="14/07/1981",
        facility="Royal Harbour Hospital",
        ward="Ward 5A Surgical",
        printed_by="Nora Nightingale",
        printed_on="03/03/2026 10:45 AEDT",
    )


def _sheet(path: Path, n: int) -> pdf.ImageSheet:
    return pdf.ImageSheet(
        record_id=f"bench-{n:04d}",
        sha16="0123456789abcdef",
        qr_payload=f"CUSTODIAN:IMAGE:bench-{n:04d}",
        lines=[f"Record bench-{n:04d}", "Captured by Nora Nightingale", "Consent"],
        picture=lambda box: prepare(path.read_bytes(), box),
    )


def _ours(paths: list[Path], out: Path) -> None:
    per_file = settings.CUSTODIAN_HARD_COPY_PAGES_PER_FILE
    for start in range(0, len(paths), per_file):
        chunk = paths[start : start + per_file]
        pdf.render_file(
            str(out / f"part-{start:04d}.pdf"),
            header=_header(),
            sheets=[_sheet(p, start + i) for i, p in enumerate(chunk)],
            layout="single",
            first_page=start + 1,
            total_pages=len(paths),
            title="bench",
        )


def _img2pdf(paths: list[Path], out: Path) -> None:
    (out / "img2pdf.pdf").write_bytes(img2pdf.convert([str(p) for p in paths]))


def _rss_mb() -> float:
    with Path("/proc/self/statm").open() as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def _child(
    job: str,
    paths: list[Path],
    out: str,
    answer: "multiprocessing.Queue[tuple[float, float]]",
) -> None:
    start_rss = _rss_mb()
    run: Callable[[list[Path], Path], None] = _ours if job == "ours" else _img2pdf
    began = time.perf_counter()
    run(paths, Path(out))
    elapsed = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    answer.put((elapsed, max(0.0, peak - start_rss)))


def _measure(job: str, paths: list[Path]) -> tuple[float, float]:
    """(pages per second, peak memory growth in MB) of one job in a fresh child."""
    context = multiprocessing.get_context("fork")
    answer: multiprocessing.Queue[tuple[float, float]] = context.Queue()
    with tempfile.TemporaryDirectory() as out:
        child = context.Process(target=_child, args=(job, paths, out, answer))
        child.start()
        elapsed, peak = answer.get()
        child.join()
    return len(paths) / elapsed, peak


def run() -> list[Figure]:
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        for label, size, count in (
            ("phone-size", PHONE_SIZE, BATCH),
            ("full-size", FULL_SIZE, FULL_BATCH),
        ):
            paths = _write_photos(Path(folder), size, count)
            ours, ours_mb = _measure("ours", paths)
            floor, floor_mb = _measure("img2pdf", paths)
            name = f"{count} {label} JPEGs {size[0]}x{size[1]}"
            figures.append(
                Figure(f"{name}: pages/s", ours, "pages/s", floor, "img2pdf")
            )
            figures.append(
                Figure(f"{name}: peak memory", ours_mb, "MB", floor_mb, "img2pdf")
            )
    return figures
