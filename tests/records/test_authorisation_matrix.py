"""Every page and API endpoint, for every role, for own-ward, other-ward and no patient.

The parameters are generated from the URL conf (every pattern, walked) and the checks
below also read the OpenAPI schema, so a new URL without a row in EXPECTED fails here.

To add a row: key it by the URL's name ("namespace:name"), say what the URL's kwarg refers
to (target: "patient", "image", "access", "user", "ward", "photographed" (a patient with
an image), "hardcopy", "matter", "hold", "export", "bundle", "api-token" or None; kwarg ""
puts it in the body where the data says "{}") and give the answer each role gets: one
status for every case, or a tuple (own-ward patient's, other-ward patient's, no such one).
"own" is the nurse's ward; "other" is the outsider's ward (same facility).
"""

import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from drf_spectacular.generators import SchemaGenerator

from accounts.api_tokens import issue_api_token
from audit.models import AuditEvent
from hardcopy import services as hardcopy
from hardcopy.models import HardCopy
from imaging.models import ClinicalImage
from legal import services as legal
from legal.building import build_export_bundle
from legal.models import ExportBundle, LegalMatter
from records.breakglass import request_break_glass
from records.models import Patient
from tests.records.browsing import photo

ROLES = (
    "nurse",
    "outsider",
    "records_manager",
    "legal_officer",
    "privacy_officer",
    "administrator",
    "anonymous",
)
CASES = ("own", "other", "none")
Answer = int | tuple[int, int, int]


@dataclass(frozen=True)
class Row:
    expect: Mapping[str, Answer]
    target: str | None = None
    kwarg: str = "public_id"
    method: str = "GET"
    data: Mapping[str, str] = field(default_factory=dict)
    # Refusals write nothing, except where the refusal itself is audited by design
    # (docs/architecture.md, "Refusals that are audited"): the actions it may write.
    audited_refusals: frozenset[str] = frozenset()


def everyone(status: int, anonymous: int | None = None) -> dict[str, Answer]:
    return dict.fromkeys(ROLES, status) | (
        {"anonymous": anonymous} if anonymous is not None else {}
    )


def only(allowed: Mapping[str, Answer], others: int = 403) -> dict[str, Answer]:
    """Pages for one role's work: others are refused (403); anonymous must sign in."""
    return dict.fromkeys(ROLES, others) | {"anonymous": 302} | dict(allowed)


# A patient's clinical record: their ward's staff and facility-wide reviewers; never legal
# officers (they see images through matters) nor administrators.
PATIENT_RECORD: dict[str, Answer] = {
    "nurse": (200, 404, 404),
    "outsider": (404, 200, 404),
    "records_manager": (200, 200, 404),
    "privacy_officer": (200, 200, 404),
    "legal_officer": 404,
    "administrator": 404,
    "anonymous": 302,
}


def _status(answer: Answer, success: int) -> Answer:
    """The same answer with every success (200) replaced by another success code."""
    if isinstance(answer, tuple):
        a, b, c = (success if status == 200 else status for status in answer)
        return (a, b, c)
    return success if answer == 200 else answer


def _redirect(answer: Answer) -> Answer:
    """A form's answer: a redirect (302) where the page would be shown."""
    return _status(answer, 302)


# Originals: as the record, except that privacy officers may look but not download.
ORIGINAL = PATIENT_RECORD | {"privacy_officer": (403, 403, 404)}

EXPECTED: dict[str, tuple[Row, ...]] = {
    "home": (Row(everyone(200, anonymous=302)),),
    "login": (Row(everyone(200)),),
    "logout": (Row(everyone(405)),),
    # With no identity provider configured (as here) sign-in through one is no page at
    # all; tests/accounts/test_oidc*.py cover them against a real provider.
    "oidc_authentication_init": (Row(everyone(404)),),
    "oidc_authentication_callback": (Row(everyone(404)),),
    "healthz": (Row(everyone(200)),),
    "readyz": (Row(everyone(200)),),
    "api-schema": (Row(everyone(200)),),
    "admin:index": (Row(everyone(302) | {"administrator": 200}),),
    "records:patient-search": (Row(everyone(200, anonymous=302)),),
    "imaging:patient-gallery": (Row(PATIENT_RECORD, target="patient"),),
    "imaging:image-detail": (Row(PATIENT_RECORD, target="image"),),
    "imaging:image-thumbnail": (Row(PATIENT_RECORD, target="image"),),
    "imaging:image-preview": (Row(PATIENT_RECORD, target="image"),),
    "imaging:image-original": (Row(ORIGINAL, target="image"),),
    "records:break-glass": (Row(only({"nurse": 200, "outsider": 200})),),
    "records:break-glass-queue": (Row(only({"privacy_officer": 200})),),
    "records:break-glass-review": (
        Row(
            only({"privacy_officer": (302, 302, 404)}),
            target="access",
            method="POST",
            data={"outcome": "appropriate"},
        ),
    ),
    # Retention: records managers only; ids in these URLs are batches, rules or flags, so
    # a patient's id (or a random one) is "no such thing" to the records manager.
    **{
        f"retention:{name}": (Row(only({"records_manager": 200})),)
        for name in ("dashboard", "rules", "rule-new", "flags", "batches", "register")
    },
    "retention:register-csv": (Row(only({"records_manager": 200})),),
    "retention:propose": (Row(only({"records_manager": 302}), method="POST"),),
    **{
        f"retention:{name}": (Row(only({"records_manager": 404}), target="patient"),)
        for name in ("rule-edit", "batch", "batch-csv", "certificate")
    },
    **{
        f"retention:{name}": (
            Row(only({"records_manager": 404}), target="patient", method="POST"),
        )
        for name in (
            "flag-clear",
            "batch-approve",
            "batch-carry-out",
            "batch-remove",
            "batch-object",
        )
    },
}
# The API answers 401 to the anonymous (DRF with token authentication), never a redirect.
API_RECORD = PATIENT_RECORD | {"anonymous": 401}
API_ORIGINAL = ORIGINAL | {"anonymous": 401}
# Uploading: ward staff of the patient's ward; an empty upload is a 400 field error;
# reviewers who may see the patient are refused (403); others never learn it exists.
UPLOAD: dict[str, Answer] = {
    "nurse": (400, 404, 404),
    "outsider": (404, 400, 404),
    "records_manager": (403, 403, 404),
    "privacy_officer": (403, 403, 404),
    "legal_officer": 404,
    "administrator": 404,
    "anonymous": 401,
}
CAPTURE_STAFF = {"nurse": 200, "outsider": 200}

EXPECTED |= {
    "api:patients": (Row(everyone(200, anonymous=401)),),
    "api:patient-images": (
        Row(API_RECORD, target="patient", kwarg="patient_id"),
        Row(UPLOAD, target="patient", kwarg="patient_id", method="POST"),
    ),
    "api:image": (Row(API_RECORD, target="image", kwarg="image_id"),),
    "api:image-original": (Row(API_ORIGINAL, target="image", kwarg="image_id"),),
    "api:image-thumbnail": (Row(API_RECORD, target="image", kwarg="image_id"),),
    "api:image-preview": (Row(API_RECORD, target="image", kwarg="image_id"),),
    "capture:page": (Row(only(CAPTURE_STAFF)),),
    "capture:exif": (
        Row(only({"nurse": 400, "outsider": 400}) | {"anonymous": 403}, method="POST"),
    ),
    "capture:upload": (
        Row(
            UPLOAD | {"anonymous": 403},
            target="patient",
            kwarg="patient_id",
            method="POST",
        ),
    ),
    "capture:receipt": (Row(PATIENT_RECORD, target="image", kwarg="image_id"),),
}

# Access reports: privacy officers and records managers, within their facilities.
REPORT_READERS = {
    "records_manager": (200, 200, 404),
    "privacy_officer": (200, 200, 404),
}
for _suffix in ("", "-csv", "-pdf"):
    EXPECTED[f"access-reports:patient-report{_suffix}"] = (
        Row(only(REPORT_READERS), target="patient"),
    )
    EXPECTED[f"access-reports:user-report{_suffix}"] = (
        Row(only(REPORT_READERS), target="user", kwarg="username"),
    )
EXPECTED["access-reports:report-index"] = (
    Row(only({"records_manager": 200, "privacy_officer": 200})),
)

# Hard copies (pages under /print/): the print queues are ward staff's and records managers'
# work; the others are refused (403). A "hardcopy" is a copy of one of the case's patient's
# images, rendered and printed once by that patient's ward staff.
PRINTERS = {
    "nurse": (200, 404, 404),
    "outsider": (404, 200, 404),
    "records_manager": (200, 200, 404),
}
PRINTED = {role: _redirect(answer) for role, answer in PRINTERS.items()}
EXPECTED |= {
    "hardcopies:index": (Row(only(dict.fromkeys(PRINTERS, 200))),),
    "hardcopies:overdue": (Row(only(dict.fromkeys(PRINTERS, 200))),),
    "hardcopies:queue": (Row(only(PRINTERS), target="ward", kwarg="ward_id"),),
    "hardcopies:print": (
        Row(
            only(PRINTERS),
            target="hardcopy",
            kwarg="copy_id",
            method="POST",
            data={"file": "1"},
        ),
    ),
    "hardcopies:filed": (
        Row(
            only(PRINTED),
            target="hardcopy",
            kwarg="copy_id",
            method="POST",
            data={"next": "/print/"},
        ),
    ),
    # A copy never asked back: refused with a message, back to the print queues.
    "hardcopies:retrieved": (
        Row(only(PRINTED), target="hardcopy", kwarg="copy_id", method="POST"),
    ),
    "hardcopies:request-image": (
        Row(
            only(PRINTED),
            target="image",
            kwarg="image_id",
            method="POST",
            data={"layout": "single"},
        ),
    ),
    "hardcopies:request-patient": (
        Row(only(PRINTERS), target="patient", kwarg="patient_id"),
        Row(
            only(PRINTED),
            target="photographed",
            kwarg="patient_id",
            method="POST",
            data={"layout": "contact_sheet"},
        ),
    ),
}
# The hard-copy API: a reviewer who may see the images but does not print is refused
# (403); a copy (a print job) is seen only by those who print for its patient.
PRINT_REQUEST = {role: _status(answer, 202) for role, answer in PRINTERS.items()} | {
    "privacy_officer": (403, 403, 404),
    "legal_officer": 404,
    "administrator": 404,
    "anonymous": 401,
}
PRINT_JOB = PRINTERS | {
    "privacy_officer": 404,
    "legal_officer": 404,
    "administrator": 404,
    "anonymous": 401,
}
EXPECTED |= {
    "hardcopies-api:request-image": (
        Row(
            PRINT_REQUEST,
            target="image",
            kwarg="image_id",
            method="POST",
            data={"layout": "single"},
        ),
    ),
    "hardcopies-api:request-patient": (
        Row(
            PRINT_REQUEST,
            target="photographed",
            kwarg="patient_id",
            method="POST",
            data={"layout": "contact_sheet"},
        ),
    ),
    "hardcopies-api:detail": (Row(PRINT_JOB, target="hardcopy", kwarg="copy_id"),),
    "hardcopies-api:pdf": (Row(PRINT_JOB, target="hardcopy", kwarg="copy_id"),),
    "hardcopies-api:filed": (
        Row(PRINT_JOB, target="hardcopy", kwarg="copy_id", method="POST"),
    ),
}

# Legal work (pages under /legal/): matters and exports are the legal officer's; holds are
# managed by legal officers and records managers. A "matter" is opened by the legal officer
# over the case's (photographed) patient, which places its "hold"; an "export" is requested
# for it and a "bundle" is an export built and ready. A bundle is for its requester and
# records managers who may see its patients; anyone else never learns it exists (404).
LEGAL = {"legal_officer": (200, 200, 404)}
HOLD_KEEPERS = {"legal_officer": (302, 302, 404), "records_manager": (302, 302, 404)}
BUNDLE_READERS = everyone(404, anonymous=302) | {
    "legal_officer": (200, 200, 404),
    "records_manager": (200, 200, 404),
}
EXPECTED |= {
    "legal:home": (Row(only({"legal_officer": 200})),),
    "legal:matter-new": (
        Row(only({"legal_officer": 200})),
        Row(
            only({"legal_officer": (302, 302, 404)}),
            target="patient",
            kwarg="",
            method="POST",
            data={"reference": "NSWSC 2026/78", "kind": "coroner", "patients": "{}"},
        ),
    ),
    "legal:matter-detail": (Row(only(LEGAL), target="matter"),),
    # A thumbnail on the matter page's picker: only once an audited picker showed it.
    "legal:pick-thumbnail": (Row(only({"legal_officer": 404}), target="image"),),
    "legal:export-start": (
        Row(
            only({"legal_officer": (302, 302, 404)}),
            target="matter",
            method="POST",
            data={"numbering": "court", "party_prefix": "RPA"},
        ),
    ),
    "legal:export-detail": (Row(BUNDLE_READERS, target="export"),),
    "legal:export-download": (Row(BUNDLE_READERS, target="bundle"),),
    "legal:holds": (Row(only({"legal_officer": 200, "records_manager": 200})),),
    "legal:hold-release": (
        Row(
            only(HOLD_KEEPERS),
            target="hold",
            method="POST",
            data={"reason": "The claim was withdrawn"},
        ),
    ),
}
# The legal API: opening a matter needs the legal role (403 otherwise, before any patient
# is looked up); matters, bundles and holds others may not reach answer 404.
BUNDLE_API = BUNDLE_READERS | {"anonymous": 401}
EXPECTED |= {
    "legal-api:matters": (
        Row(
            everyone(403, anonymous=401) | {"legal_officer": (201, 201, 404)},
            target="patient",
            kwarg="",
            method="POST",
            data={"reference": "NSWSC 2026/77", "kind": "complaint", "patients": "{}"},
        ),
    ),
    "legal-api:matter-exports": (
        Row(
            everyone(404, anonymous=401) | {"legal_officer": (202, 202, 404)},
            target="matter",
            method="POST",
            data={"numbering": "bates", "prefix": "ABC"},
        ),
    ),
    "legal-api:export-detail": (Row(BUNDLE_API, target="export"),),
    "legal-api:export-download": (Row(BUNDLE_API, target="bundle"),),
    "legal-api:holds": (
        Row(
            everyone(403, anonymous=401)
            | {"legal_officer": 200, "records_manager": 200}
        ),
    ),
    "legal-api:hold-release": (
        Row(
            everyone(404, anonymous=401)
            | {"legal_officer": (200, 200, 404), "records_manager": (200, 200, 404)},
            target="hold",
            method="POST",
            data={"reason": "The claim was withdrawn"},
        ),
    ),
}

# Whole namespaces answered by a representative row above (the admin's many model URLs).
COVERED_NAMESPACES = {"admin"}


# Clinical safety (issue 11): hand-off links, reveal, sensitivity, consent, moves.
# Acting on an image: its patient's ward staff and the facility's reviewers; a
# redirect back to the page (302) carries the outcome as a message.
IMAGE_ACT: dict[str, Answer] = PATIENT_RECORD | {
    "nurse": (302, 404, 404),
    "outsider": (404, 302, 404),
    "records_manager": (302, 302, 404),
    "privacy_officer": (302, 302, 404),
}
# Only ward staff capture, so only they make hand-off links (others never learn more).
HANDOFF: dict[str, Answer] = dict.fromkeys(ROLES, 404) | {
    "nurse": (200, 404, 404),
    "outsider": (404, 200, 404),
    "anonymous": 302,
}
# A move is decided by the facility's records managers or the ward's other staff; the
# person who asked cannot approve it (the nurse asked for her patient's move).
MOVE_DECIDE: dict[str, Answer] = dict.fromkeys(ROLES, 404) | {
    "nurse": (403, 404, 404),
    "outsider": (404, 403, 404),
    "records_manager": (200, 200, 404),
    "anonymous": 401,
}
# On the pages, a decision (or its refusal) comes back to the queue as a message.
MOVE_DECIDE_PAGE: dict[str, Answer] = MOVE_DECIDE | {
    "nurse": (302, 404, 404),
    "outsider": (404, 302, 404),
    "records_manager": (302, 302, 404),
    "anonymous": 302,
}
EXPECTED |= {
    "safety:handoff-create": (
        Row(HANDOFF, target="patient", kwarg="patient_id", method="POST"),
    ),
    "safety:handoff-arrivals": (Row(HANDOFF, target="handoff", kwarg="handoff_id"),),
    # Someone else's real link is refused and the attempt audited (a stolen or forwarded
    # link is what a privacy officer looks for); a token nobody made writes nothing.
    "safety:handoff-open": (
        Row(
            HANDOFF | {"nurse": (302, 404, 404), "outsider": (404, 302, 404)},
            target="handoff-token",
            kwarg="token",
            audited_refusals=frozenset({"handoff_refused"}),
        ),
    ),
    "safety:reveal": (
        Row(
            IMAGE_ACT,
            target="image",
            kwarg="image_id",
            method="POST",
            data={"reason": "Wound review"},
        ),
    ),
    "safety:sensitivity": (
        Row(
            IMAGE_ACT,
            target="image",
            kwarg="image_id",
            method="POST",
            data={"sensitivity": "intimate"},
        ),
    ),
    "safety:withdraw-consent": (
        Row(
            IMAGE_ACT,
            target="image",
            kwarg="image_id",
            method="POST",
            data={"purposes": "teaching"},
        ),
    ),
    "safety:move-request": (
        Row(
            IMAGE_ACT,
            target="image",
            kwarg="image_id",
            method="POST",
            data={"to_mrn": "no-such-mrn", "reason": "Wrong bed"},
        ),
    ),
    "safety:move-queue": (Row(everyone(200, anonymous=302)),),
    "safety:move-approve": (
        Row(MOVE_DECIDE_PAGE, target="move", kwarg="move_id", method="POST"),
    ),
    "safety:move-decline": (
        Row(
            MOVE_DECIDE_PAGE,
            target="move",
            kwarg="move_id",
            method="POST",
            data={"reason": "Right patient after all"},
        ),
    ),
    "safety-api:handoff-create": (
        Row(
            HANDOFF
            | {"nurse": (201, 404, 404), "outsider": (404, 201, 404), "anonymous": 401},
            target="patient",
            kwarg="patient_id",
            method="POST",
        ),
    ),
    "safety-api:move-request-create": (
        Row(
            PATIENT_RECORD
            | {
                "nurse": (400, 404, 404),
                "outsider": (404, 400, 404),
                "records_manager": (400, 400, 404),
                "privacy_officer": (400, 400, 404),
                "anonymous": 401,
            },
            target="image",
            kwarg="image_id",
            method="POST",
        ),
    ),
    "safety-api:move-request-list": (Row(everyone(200, anonymous=401)),),
    "safety-api:move-request-approve": (
        Row(MOVE_DECIDE, target="move", kwarg="move_id", method="POST"),
    ),
    "safety-api:move-request-decline": (
        Row(
            MOVE_DECIDE,
            target="move",
            kwarg="move_id",
            method="POST",
            data={"reason": "Right patient after all"},
        ),
    ),
}

# Teaching/publication exports (issue 11): ward staff of the patient's ward only; others
# are refused (403) on the page, the API answers 404 first for a patient one may not see.
# A POST without images is a 400 that writes nothing.
TEACHERS = {"nurse": (200, 404, 404), "outsider": (404, 200, 404)}
TEACHING_API: dict[str, Answer] = PATIENT_RECORD | {
    "nurse": (400, 404, 404),
    "outsider": (404, 400, 404),
    "records_manager": (403, 403, 404),
    "privacy_officer": (403, 403, 404),
    "anonymous": 401,
}
EXPECTED |= {
    "teaching:export": (
        Row(only(TEACHERS), target="patient", kwarg="patient_id"),
        Row(
            only({role: _status(answer, 400) for role, answer in TEACHERS.items()}),
            target="photographed",
            kwarg="patient_id",
            method="POST",
            data={"purpose": "teaching"},
        ),
    ),
    "teaching-api:export": (
        Row(TEACHING_API, target="photographed", kwarg="patient_id", method="POST"),
    ),
}

# Sign-in flows (issue 9): every signed-in user manages their own authentication.
EXPECTED |= {
    "auth:token": (Row(everyone(400), method="POST"),),
    "capture:delete-from-phone": (Row(everyone(200, anonymous=302)),),
    "auth:mfa-enrol": (Row(everyone(200, anonymous=302)),),
    "auth:mfa-verify": (Row(everyone(302, anonymous=302)),),
    "auth:reauth": (Row(everyone(200, anonymous=302)),),
    "auth:account-security": (Row(everyone(200, anonymous=302)),),
    "auth:api-tokens": (Row(everyone(200, anonymous=302)),),
    # Each user revokes only their own devices' tokens (administrators do so in /admin/).
    "auth:api-token-revoke": (
        Row(
            everyone(404, anonymous=302)
            | {"nurse": (302, 404, 404), "outsider": (404, 302, 404)},
            target="api-token",
            method="POST",
        ),
    ),
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Hundreds of cases each make several users: skip the deliberately slow hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def walk(
    patterns: list[URLPattern | URLResolver], namespace: str = ""
) -> Iterator[str]:
    """Every URL name in the conf ("namespace:name"), or its route if it has no name."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            joined = ":".join(p for p in (namespace, inner) if p)
            yield from walk(pattern.url_patterns, joined)
        else:
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            yield f"{namespace}:{name}" if namespace else name


URL_NAMES = sorted(set(walk(get_resolver().url_patterns)))


def has_row(name: str) -> bool:
    return name in EXPECTED or name.split(":")[0] in COVERED_NAMESPACES


def missing_row_message(name: str) -> str:
    return (
        f"The URL {name!r} has no row in EXPECTED in {__file__}. Add one saying what "
        "every role gets (own-ward patient, other-ward patient, no such patient): "
        "patients and images a user may not see must answer 404."
    )


@pytest.mark.parametrize("name", URL_NAMES)
def test_every_url_has_a_row_in_the_matrix(name: str) -> None:
    assert has_row(name), missing_row_message(name)


def test_every_api_operation_has_a_row_for_its_method() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema.get("paths", {}).items():
        concrete = path
        while "{" in concrete:
            start, end = concrete.index("{"), concrete.index("}")
            concrete = concrete[:start] + str(uuid.uuid4()) + concrete[end + 1 :]
        name = resolve(concrete).view_name
        assert name in EXPECTED, missing_row_message(name)
        methods = {row.method for row in EXPECTED[name]}
        for method in operations:
            if method.upper() in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
                assert method.upper() in methods, (
                    f"{method.upper()} {path} ({name}) has no row: "
                    + missing_row_message(name)
                )


def matrix() -> Iterator[Any]:
    for name in URL_NAMES:
        for index, row in enumerate(EXPECTED.get(name, ())):
            for role in ROLES:
                for case in CASES if row.target else ("any",):
                    yield pytest.param(
                        name, index, role, case, id=f"{name}-{row.method}-{role}-{case}"
                    )


def target_for(row: Row, case: str, request: pytest.FixtureRequest) -> str | None:
    """The public id the URL gets: the nurse's patient's, the outsider's, or nobody's."""
    if row.target is None:
        return None
    if case == "none":
        if row.target in ("user", "handoff-token"):
            return "nobody-by-this-name"
        return str(uuid.uuid4())
    nurse, outsider = (
        request.getfixturevalue("nurse"),
        request.getfixturevalue("outsider"),
    )
    own: Patient = request.getfixturevalue("patient")
    other: Patient = request.getfixturevalue("other_patient")
    patient, staff, stranger = (
        (own, nurse, outsider) if case == "own" else (other, outsider, nurse)
    )
    if row.target == "patient":
        return str(patient.public_id)
    if row.target == "image":
        return str(photo(actor=staff, patient=patient).public_id)
    if row.target in ("handoff", "handoff-token", "move"):
        return _safety_target(row.target, staff, patient)
    if row.target in STAFF_TARGETS:
        return STAFF_TARGETS[row.target](staff)
    if row.target == "ward":
        return str(
            request.getfixturevalue("ward" if case == "own" else "other_ward").public_id
        )
    if row.target == "photographed":
        return str(photo(actor=staff, patient=patient).patient.public_id)
    if row.target == "hardcopy":
        return str(printed_copy(staff, photo(actor=staff, patient=patient)).public_id)
    if row.target in LEGAL_TARGETS:
        officer: User = request.getfixturevalue("legal_officer")
        return LEGAL_TARGETS[row.target](officer, photo(actor=staff, patient=patient))
    # An access is about a patient: someone from the other ward broke the glass for them.
    access = request_break_glass(
        actor=stranger, patient=patient, reason_code="other", reason_text="Handover"
    )
    return str(access.public_id)


# Things of the case's staff member: the ward nurse (own case) or the other ward's.
STAFF_TARGETS: dict[str, Callable[[User], str]] = {
    # A user's activity.
    "user": lambda staff: staff.get_username(),
    "api-token": lambda staff: str(
        issue_api_token(user=staff, device="Ward phone")[0].public_id
    ),
}


def printed_copy(staff: User, image: ClinicalImage) -> HardCopy:
    """A hard copy of the image, rendered (as its task would) and printed once by staff."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        copy = hardcopy.request_hard_copy(actor=staff, image_ids=[str(image.public_id)])
    copy.refresh_from_db()
    hardcopy.print_hard_copy(actor=staff, hard_copy=copy)
    return copy


def matter_over(officer: User, image: ClinicalImage) -> LegalMatter:
    """A matter the legal officer opened over the image's patient (its hold placed)."""
    return legal.open_matter(
        actor=officer,
        reference=f"Matter {image.patient.mrn}",
        kind="litigation",
        patients=[image.patient.public_id],
    )


def export_of(officer: User, image: ClinicalImage) -> ExportBundle:
    return legal.request_export(
        actor=officer, matter=matter_over(officer, image), prefix="RPA"
    )


def built_export_of(officer: User, image: ClinicalImage) -> ExportBundle:
    bundle = export_of(officer, image)
    build_export_bundle(bundle_id=bundle.pk)
    return bundle


LEGAL_TARGETS: dict[str, Callable[[User, ClinicalImage], str]] = {
    "matter": lambda o, i: str(matter_over(o, i).public_id),
    "hold": lambda o, i: str(matter_over(o, i).holds.get().public_id),
    "export": lambda o, i: str(export_of(o, i).public_id),
    "bundle": lambda o, i: str(built_export_of(o, i).public_id),
}


def _safety_target(kind: str, staff: User, patient: Patient) -> str:
    """A hand-off link (its id or token) or a move request, made by the case's staff."""
    if kind in ("handoff", "handoff-token"):
        from imaging.safety.handoff import create_handoff

        made, token = create_handoff(actor=staff, patient=patient)
        return token if kind == "handoff-token" else str(made.public_id)
    from imaging.safety.moves import request_move
    from tests.factories import EncounterFactory, PatientFactory

    right = PatientFactory(facility=patient.facility)
    EncounterFactory(patient=right, ward=patient.encounters.first().ward)
    image = photo(actor=staff, patient=patient)
    move = request_move(actor=staff, image=image, to_patient=right, reason="Wrong bed")
    return str(move.public_id)


def expected_status(row: Row, role: str, case: str) -> int:
    answer = row.expect[role]
    if isinstance(answer, tuple):
        return answer[CASES.index(case)]
    return answer


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "index", "role", "case"), list(matrix()))
def test_each_role_gets_the_expected_answer(
    name: str, index: int, role: str, case: str, request: pytest.FixtureRequest
) -> None:
    row = EXPECTED[name][index]
    assert set(row.expect) == set(ROLES), f"The row for {name} must cover {ROLES}."
    kwarg = target_for(row, case, request)
    url = reverse(name, kwargs={row.kwarg: kwarg} if kwarg and row.kwarg else None)
    # A row without a kwarg names its target in the body ("{}" stands for its id).
    data = {key: value.replace("{}", kwarg or "") for key, value in row.data.items()}
    client = Client()
    if role != "anonymous":
        user: User = request.getfixturevalue(role)
        client.force_login(user)
    before = AuditEvent.objects.count()
    response = client.generic(row.method, url, _encode(data), **_form_type(row))
    want = expected_status(row, role, case)
    assert response.status_code == want, f"{row.method} {url} as {role} ({case})"
    if response.status_code >= 400:
        written = list(AuditEvent.objects.order_by("sequence")[before:])
        assert {event.action for event in written} <= row.audited_refusals, (
            "A refusal must write nothing (unless audited by design)."
        )
        assert len(written) <= 1, "An audited refusal writes one event."


def _encode(data: Mapping[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(data)


def _form_type(row: Row) -> dict[str, str]:
    return {"content_type": "application/x-www-form-urlencoded"} if row.data else {}


# The PACS API (interop.pacs): images no one may see here are 404 to everyone; the
# access rule with real sends is tested in tests/interop/test_pacs_api.py.
EXPECTED |= {
    "pacs-api:send-image": (
        Row(
            everyone(404, anonymous=401),
            kwarg="image_id",
            method="POST",
            data={"destination": "radiology"},
        ),
    ),
    "pacs-api:detail": (Row(everyone(404, anonymous=401), kwarg="send_id"),),
}


# The second wave's integrations (interop) and retention law pages.
EXPECTED |= {
    # A patient's details (identifiers, encounters, merges): as the record, in the API.
    "api:patient-detail": (Row(API_RECORD, target="patient", kwarg="patient_id"),),
    # The ADT feed's journal holds personal information: records managers (their
    # facilities) and administrators; message ids here are "no such message".
    "feed:journal": (Row(only({"records_manager": 200, "administrator": 200})),),
    "feed:message": (
        Row(only({"records_manager": 404, "administrator": 404}), target="patient"),
    ),
    "feed:retry": (
        Row(
            only({"records_manager": 404, "administrator": 404}),
            target="patient",
            method="POST",
        ),
    ),
    # Retention law: records managers only; ids here are rules or freezes.
    "retention:preview": (Row(only({"records_manager": 200})),),
    "retention:freezes": (Row(only({"records_manager": 200})),),
    "retention:rule-verify": (
        Row(only({"records_manager": 404}), target="patient", method="POST"),
    ),
    "retention:freeze-switch": (
        Row(only({"records_manager": 404}), target="patient", method="POST"),
    ),
    # A proposed rule change (ids here are "no such change"); deciding needs a POST.
    "retention:rule-change": (Row(only({"records_manager": 404}), target="patient"),),
    **{
        f"retention:rule-change-{act}": (
            Row(only({"records_manager": 404}), target="patient", method="POST"),
        )
        for act in ("approve", "reject")
    },
    "retention-api:rules": (
        Row(only({"records_manager": 200}, others=403) | {"anonymous": 401}),
    ),
    "retention-api:preview": (
        Row(only({"records_manager": 200}, others=403) | {"anonymous": 401}),
    ),
}
# FHIR authenticates with a Bearer token only (no session): a signed-in browser is
# anonymous to it, and every resource answers 401 (its access rule with tokens is
# tested in tests/interop/test_fhir_*.py).
EXPECTED |= {
    f"fhir:{name}": (Row(everyone(401), kwarg=kwarg),)
    for name, kwarg in (
        ("metadata", ""),
        ("patient-search", ""),
        ("patient", "patient_id"),
        ("media-search", ""),
        ("media", "media_id"),
        ("binary", "binary_id"),
    )
}
