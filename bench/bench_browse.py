"""Server time of the browsing pages at 1,000,000 images / 100,000 patients (PostgreSQL).

Requests go through the whole Django stack in-process (middleware, session, access rule,
template, audit event), so the figures are server time without the network. The floor is
the bare SQL the page cannot avoid (one keyset page; one indexed patient lookup).
"""

import os
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from bench.common import Figure, percentiles
from bench.datagen import generate

PATIENTS = int(os.environ.get("BENCH_PATIENTS", "100000"))
IMAGES = int(os.environ.get("BENCH_IMAGES", "1000000"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "40"))


def _samples(fn: Callable[[], object], n: int = SAMPLES) -> list[float]:
    fn()  # warm caches and connections
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _get(
    client: Client, url: str, params: dict[str, str] | None = None
) -> Callable[[], object]:
    def fetch() -> object:
        response = client.get(url, params or {})
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response

    return fetch


def _sql(query: str, params: list[object]) -> Callable[[], object]:
    def run() -> object:
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()

    return run


def _figures(name: str, samples: list[float], floor: list[float]) -> list[Figure]:
    p50, p95 = percentiles(samples)
    floor_p50, _ = percentiles(floor)
    return [
        Figure(f"{name} p50", p50, "ms", floor_p50, "bare SQL p50"),
        Figure(f"{name} p95", p95, "ms"),
    ]


def run() -> list[Figure]:
    data = generate(patients=PATIENTS, images=IMAGES)
    # The bench runs without collectstatic; the manifest lookup it skips is a dict lookup.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    heavy = data.heavy_patient
    # The in-process client must use a host the settings allow (no test runner here).
    nurse, manager = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    nurse.force_login(data.nurse)
    manager.force_login(data.records_manager)
    gallery = reverse("records:patient-gallery", args=[heavy.public_id])
    keyset = _sql(
        "SELECT id FROM imaging_clinicalimage WHERE patient_id = %s AND status = 'active'"
        " ORDER BY captured_at DESC, id DESC LIMIT 49",
        [heavy.pk],
    )
    first = nurse.get(gallery)
    cursor = first.content.decode().split("after=")[1].split('"')[0]
    search = reverse("records:patient-search")
    by_mrn = _sql(
        "SELECT id FROM records_patient WHERE facility_id = %s AND mrn = %s",
        [heavy.facility_id, heavy.mrn],
    )
    stack = _samples(_get(nurse, reverse("healthz")))
    figures = [
        Figure("browse: images of the gallery patient", 5000, "images"),
        Figure(
            "browse: /healthz through the same stack p50", percentiles(stack)[0], "ms"
        ),
    ]
    figures += _figures(
        "gallery: first page (nurse)", _samples(_get(nurse, gallery)), _samples(keyset)
    )
    figures += _figures(
        "gallery: second page (nurse)",
        _samples(_get(nurse, gallery, {"after": cursor})),
        _samples(keyset),
    )
    figures += _figures(
        "gallery: filtered by body site (nurse)",
        _samples(_get(nurse, gallery, {"body_site": "Sacrum"})),
        _samples(keyset),
    )
    figures += _figures(
        "gallery: first page (records manager)",
        _samples(_get(manager, gallery)),
        _samples(keyset),
    )
    figures += _figures(
        "search: MRN (records manager, 100k patients)",
        _samples(_get(manager, search, {"q": heavy.mrn})),
        _samples(by_mrn),
    )
    figures += _figures(
        "search: family name prefix (records manager)",
        _samples(_get(manager, search, {"q": "Nguy"})),
        _samples(by_mrn),
    )
    figures += _figures(
        "search: family name prefix (nurse, own wards)",
        _samples(_get(nurse, search, {"q": "Nguy"})),
        _samples(by_mrn),
    )
    return figures
