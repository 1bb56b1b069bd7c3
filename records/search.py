"""Finding patients among those the user may see (MRN, name, date of birth)."""

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.http import HttpRequest

from accounts.roles import Role, has_role
from audit.services import Action, record_event
from records.models import Patient
from records.selectors import AnyUser, patients_searchable_by, patients_visible_to

RESULT_LIMIT = 50


def _text_rule(text: str) -> Q:
    """MRN (exact) or name: "family", "family, given" or "given family" prefixes.

    Names have no digits and MRNs do: asking only one of the two keeps each search on its
    own index (facility + MRN, or the family-name prefix index) rather than a full scan.
    """
    text = text.strip()
    if any(ch.isdigit() for ch in text):
        return Q(mrn__in={text, text.upper()})
    if "," in text:
        family, _, given = (part.strip() for part in text.partition(","))
        return Q(family_name__istartswith=family, given_names__istartswith=given)
    words = text.split()
    if len(words) >= 2:
        return Q(
            family_name__istartswith=words[-1], given_names__istartswith=words[0]
        ) | Q(family_name__istartswith=words[0], given_names__istartswith=words[1])
    return Q(family_name__istartswith=text)


def search_patients(
    user: AnyUser, *, text: str = "", date_of_birth: date | None = None
) -> QuerySet[Patient]:
    """Patients the user may search matching every criterion given, with can_open set."""
    if not text.strip() and date_of_birth is None:
        return Patient.objects.none()
    found = patients_searchable_by(user)
    if text.strip():
        found = found.filter(_text_rule(text))
    if date_of_birth is not None:
        found = found.filter(date_of_birth=date_of_birth)
    # Legal officers find demographics they may not open: say which ones they can. For
    # everyone else the searchable set is the visible set, so skip the per-row check.
    can_open: Exists | Value = Value(True)
    if has_role(user, Role.LEGAL):
        can_open = Exists(patients_visible_to(user).filter(pk=OuterRef("pk")))
    return found.annotate(can_open=can_open).order_by(
        "family_name", "given_names", "mrn"
    )[:RESULT_LIMIT]


@transaction.atomic
def record_patient_search(
    *,
    actor: User,
    criteria: dict[str, str],
    found: list[Patient],
    request: HttpRequest | None = None,
) -> None:
    """Audit a patient search: what was asked and which patients were shown."""
    record_event(
        actor=actor,
        action=Action.SEARCH,
        request=request,
        detail={
            "criteria": criteria,
            "patients": [str(patient.public_id) for patient in found],
        },
    )
