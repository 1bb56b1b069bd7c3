"""Server time of the browsing pages at 1,000,000 images / 100,000 patients (PostgreSQL).

Requests go through the whole Django stack in-process (middleware, session, access rule,
template, audit event), so the figures are server time without the network. Each floor is
the bare SQL the page cannot avoid, asked the same question in the same scope: the keyset
page (filtered as the page filters, or after the cursor), the indexed MRN lookup, the
family-name prefix over the facilities or ward patients the user may see, with the page's
LIMIT. Before timing, each floor's rows are checked against what the page shows, so a
filter the page ignored could not pass for a fast one.
"""

import os
import re
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.common import Figure, fact, percentiles
from bench.datagen import Dataset, bench_dataset
from imaging.gallery import CODE_PREFIX, PAGE_SIZE
from records.models import FacilityAssignment, StaffMembership
from records.search import RESULT_LIMIT

SAMPLES = int(os.environ.get("BENCH_SAMPLES", "40"))
# The guide's way to filter: a coded site from the body-site picker (datagen's "Sacrum").
SACRAL_REGION = "26947005"

# The page asks one row more than it shows, to know whether there is an older page.
KEYSET_SQL = """
SELECT public_id FROM imaging_clinicalimage
WHERE patient_id = %(patient)s AND status = 'active' {extra}
ORDER BY captured_at DESC, id DESC LIMIT %(limit)s
"""
AFTER_CURSOR = """AND (captured_at, id) < (SELECT captured_at, id FROM imaging_clinicalimage
                                           WHERE public_id = %(after)s)"""
BY_SITE_CODE = "AND body_site_code = %(code)s"

# What the results table shows (name, MRN, date of birth, facility), in the page's order.
PREFIX_SQL = """
SELECT p.public_id, p.mrn, p.family_name, p.given_names, p.date_of_birth, f.code
FROM records_patient p JOIN records_facility f ON f.id = p.facility_id
WHERE UPPER(p.family_name::text) LIKE %(prefix)s AND {scope}
ORDER BY p.family_name, p.given_names, p.mrn LIMIT %(limit)s
"""
FACILITY_SCOPE = "p.facility_id = ANY(%(facilities)s)"
# The access rule's two ANDed branches, each a range on the (ward, ended_at) index.
WARD_SCOPE = """p.id IN (SELECT patient_id FROM records_encounter
             WHERE (ward_id = ANY(%(wards)s) AND ended_at IS NULL)
                OR (ward_id = ANY(%(wards)s) AND ended_at >= %(cutoff)s))"""


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
) -> Callable[[], str]:
    def fetch() -> str:
        response = client.get(url, params or {})
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response.content.decode()

    return fetch


def _sql(
    query: str, params: dict[str, object]
) -> Callable[[], list[tuple[object, ...]]]:
    def run() -> list[tuple[object, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()

    return run


def _signed_in_request(client: Client, user_id: int) -> Callable[[], object]:
    """What any signed-in request costs in SQL: read the session and user, save the session.

    The session is saved on every request (SESSION_SAVE_EVERY_REQUEST, for the idle timeout).
    """
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)

    def run() -> object:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT session_data FROM django_session "
                "WHERE session_key = %s AND expire_date > now()",
                [key],
            )
            cursor.execute("SELECT * FROM auth_user WHERE id = %s", [user_id])
            cursor.execute(
                "UPDATE django_session SET expire_date = now() + %s "
                "WHERE session_key = %s",
                [age, key],
            )
        return None

    return run


def _figures(
    name: str, page: Callable[[], str], floor: Callable[[], object]
) -> list[Figure]:
    p50, p95 = percentiles(_samples(page))
    floor_p50, floor_p95 = percentiles(_samples(floor))
    return [
        Figure(f"{name} p50", p50, "ms", floor_p50, "bare SQL p50"),
        Figure(f"{name} p95", p95, "ms", floor_p95, "bare SQL p95"),
    ]


def _keyset(data: Dataset, extra: str = "", **params: object) -> Callable[[], list]:
    query = KEYSET_SQL.format(extra=extra)
    limit = PAGE_SIZE + 1
    return _sql(query, {"patient": data.heavy_patient.pk, "limit": limit, **params})


def _check_gallery(
    html: str, shown: list[tuple[object, ...]], hidden: set[str]
) -> None:
    """The page shows the floor's images and none it should have filtered out."""
    ids = {str(row[0]) for row in shown[:PAGE_SIZE]}
    if not ids:
        raise RuntimeError("the gallery floor found no images: nothing to compare")
    missing = [i for i in ids if i not in html]
    extra = [i for i in hidden - ids if i in html]
    if missing or extra:
        raise RuntimeError(
            f"gallery page and its floor disagree: {len(missing)} missing, "
            f"{len(extra)} unfiltered"
        )


def _check_search(html: str, rows: list[tuple[object, ...]], who: str) -> None:
    """The search page found exactly the patients its floor finds, and some."""
    if not rows:
        raise RuntimeError(f"name search ({who}): its floor finds nobody to compare")
    found = re.search(r"(\d+) patients? found", html)
    if found is None or int(found.group(1)) != len(rows):
        raise RuntimeError(
            f"name search ({who}) and its floor disagree: the page says "
            f"{found.group(0) if found else 'nothing'}, the floor found {len(rows)}"
        )
    if any(str(row[1]) not in html for row in rows):
        raise RuntimeError(f"name search ({who}) misses patients its floor finds")


def _prefix(prefix: str, scope: str, **params: object) -> Callable[[], list]:
    query = PREFIX_SQL.format(scope=scope)
    return _sql(
        query, {"prefix": prefix.upper() + "%", "limit": RESULT_LIMIT, **params}
    )


def _gallery(data: Dataset, nurse: Client, manager: Client) -> list[Figure]:
    heavy = data.heavy_patient
    gallery = reverse("imaging:patient-gallery", args=[heavy.public_id])
    first, by_site = _keyset(data), _keyset(data, BY_SITE_CODE, code=SACRAL_REGION)
    unfiltered = {str(row[0]) for row in first()}
    site_filter = {"body_site": CODE_PREFIX + SACRAL_REGION}
    _check_gallery(_get(nurse, gallery, site_filter)(), by_site(), unfiltered)
    html = _get(nurse, gallery)()
    cursor = html.split("after=")[1].split('"')[0]
    second = _keyset(data, AFTER_CURSOR, after=cursor)
    _check_gallery(_get(nurse, gallery, {"after": cursor})(), second(), unfiltered)
    figures = _figures("gallery: first page (nurse)", _get(nurse, gallery), first)
    figures += _figures(
        "gallery: second page (nurse)",
        _get(nurse, gallery, {"after": cursor}),
        second,
    )
    figures += _figures(
        "gallery: filtered by coded body site (nurse)",
        _get(nurse, gallery, site_filter),
        by_site,
    )
    figures += _figures(
        "gallery: first page (records manager)", _get(manager, gallery), first
    )
    return figures


def _search(data: Dataset, nurse: Client, manager: Client) -> list[Figure]:
    heavy = data.heavy_patient
    search = reverse("records:patient-search")
    by_mrn = _sql(
        "SELECT id FROM records_patient WHERE facility_id = %(facility)s "
        "AND mrn = %(mrn)s",
        {"facility": heavy.facility_id, "mrn": heavy.mrn},
    )
    facilities = list(
        FacilityAssignment.objects.filter(user=data.records_manager).values_list(
            "facility_id", flat=True
        )
    )
    wards = list(
        StaffMembership.objects.filter(user=data.nurse).values_list(
            "ward_id", flat=True
        )
    )
    cutoff = timezone.now() - timedelta(days=settings.CUSTODIAN_WARD_ACCESS_DAYS)
    # The heavy patient's name: one in 24 patients shares it, and the nurse has one on
    # her ward, so both searches find someone.
    prefix = heavy.family_name[:4]
    managed = _prefix(prefix, FACILITY_SCOPE, facilities=facilities)
    on_wards = _prefix(prefix, WARD_SCOPE, wards=wards, cutoff=cutoff)
    by_name = {"q": prefix}
    _check_search(_get(manager, search, by_name)(), managed(), "records manager")
    _check_search(_get(nurse, search, by_name)(), on_wards(), "nurse")
    figures = _figures(
        "search: MRN (records manager, 100k patients)",
        _get(manager, search, {"q": heavy.mrn}),
        by_mrn,
    )
    figures += _figures(
        "search: family name prefix (records manager)",
        _get(manager, search, by_name),
        managed,
    )
    figures += _figures(
        "search: family name prefix (nurse, own wards)",
        _get(nurse, search, by_name),
        on_wards,
    )
    return figures


def _gallery_images(data: Dataset) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM imaging_clinicalimage "
            "WHERE patient_id = %s AND status = 'active'",
            [data.heavy_patient.pk],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def run() -> list[Figure]:
    data = bench_dataset()
    # The bench runs without collectstatic; the manifest lookup it skips is a dict lookup.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    # The in-process client must use a host the settings allow (no test runner here).
    nurse, manager = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    nurse.force_login(data.nurse)
    manager.force_login(data.records_manager)
    stack = percentiles(_samples(_get(nurse, reverse("healthz"))))
    floor = percentiles(_samples(_signed_in_request(nurse, data.nurse.pk)))
    figures = [
        fact(
            "browse: images of the gallery patient",
            _gallery_images(data),
            "images",
            "active images of the heavy patient, counted",
        ),
        Figure(
            "browse: /healthz through the same stack p50",
            stack[0],
            "ms",
            floor[0],
            "session and user SQL p50",
        ),
    ]
    figures += _gallery(data, nurse, manager)
    figures += _search(data, nurse, manager)
    return figures
