"""Access reports: who touched a patient's record, and what a user touched.

Reads only the trail (audit imports no other app): the caller passes the patient's public
id, or the public ids of the patients the reader may see, already worked out by records.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from uuid import UUID

from django.apps import apps
from django.contrib.auth.models import User
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from common.csvsafe import SafeWriter

COLUMNS = (
    "Sequence",
    "When",
    "User",
    "Action",
    "Record",
    "Patient",
    "Reason",
    "IP address",
    "Browser",
)


@dataclass(frozen=True)
class ReportRow:
    sequence: int
    when: str
    user: str
    action: str
    record: str
    patient: str
    reason: str
    ip_address: str
    browser: str

    def cells(self) -> tuple[str, ...]:
        return (
            str(self.sequence),
            self.when,
            self.user,
            self.action,
            self.record,
            self.patient,
            self.reason,
            self.ip_address,
            self.browser,
        )


def events_about_patient(patient_public_id: UUID) -> QuerySet[AuditEvent]:
    """Every event that concerns one patient, oldest first."""
    return AuditEvent.objects.filter(patient_public_id=patient_public_id).order_by(
        "sequence"
    )


def events_by_user(
    subject: User, visible_patient_ids: Iterable[UUID]
) -> QuerySet[AuditEvent]:
    """Everything a user did: sign-ins, and acts on patients the reader may see."""
    scope = Q(patient_public_id__isnull=True) | Q(
        patient_public_id__in=visible_patient_ids
    )
    return AuditEvent.objects.filter(actor=subject).filter(scope).order_by("sequence")


def _labels() -> dict[str, str]:
    return {str(value): str(label) for value, label in AuditAction.choices}


def _model_named(object_type: str) -> type[Model] | None:
    """The model an event names, also by the label it had before it moved app.

    Events are never rewritten, so those written before the second wave's move name,
    say, "records.legalmatter" for what is now legal.LegalMatter.
    """
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        name = object_type.rpartition(".")[2]
        moved = [m for m in apps.get_models() if m._meta.model_name == name]
        return moved[0] if len(moved) == 1 else None


def _kind(object_type: str) -> str:
    """'Clinical image' for 'imaging.clinicalimage': the model's own name, in words."""
    model = _model_named(object_type)
    if model is None:
        return object_type
    return str(model._meta.verbose_name).capitalize()


def rows(events: Iterable[AuditEvent], zone: tzinfo) -> Iterator[ReportRow]:
    """The events as report rows, times in the given zone, streamed in batches."""
    labels = _labels()
    if isinstance(events, QuerySet):
        events = events.iterator(chunk_size=2000)
    for event in events:
        kind = _kind(event.object_type) if event.object_type else ""
        record = f"{kind} {event.object_id}".strip()
        yield ReportRow(
            sequence=event.sequence,
            when=timezone.localtime(event.occurred_at, zone).strftime(
                "%d/%m/%Y %H:%M:%S %Z"
            ),
            user=event.actor_username or "(not signed in)",
            action=labels.get(event.action, event.action),
            record=record,
            patient=str(event.patient_public_id or ""),
            reason=event.reason,
            ip_address=event.ip_address or "",
            browser=event.user_agent,
        )


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(report_rows: Iterable[ReportRow]) -> Iterator[str]:
    """The report as CSV text, one line at a time (for a streaming response)."""
    writer = SafeWriter(_Echo())
    yield writer.writerow(COLUMNS)
    for row in report_rows:
        yield writer.writerow(row.cells())
