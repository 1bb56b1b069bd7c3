"""Access reports: for a patient, who accessed their record; for a user, what they did.

The pages live with records, whose data they show (which patients a reader may see is
records' rule); they read the trail through records.access_reports.reports, and audit
itself imports no app but vault.
"""

from typing import Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify

from accounts.permissions import may_read_access_reports
from audit.models import AuditEvent
from audit.services import Action, record_event
from records.access_reports import reports
from records.access_reports.report_pdf import render_pdf
from records.models import Facility
from records.selectors import patients_visible_to
from vault.responses import protected_bytes, protected_stream

Format = Literal["html", "csv", "pdf"]
PAGE_SIZE = 100


def _reader(request: HttpRequest) -> User:
    """The signed-in user, if they may read access reports (else 403)."""
    user = request.user
    if not isinstance(user, User) or not may_read_access_reports(user):
        raise PermissionDenied("Only privacy officers and records managers see this.")
    return user


def _links(name: str, **kwargs: str) -> dict[str, str]:
    return {
        fmt: reverse(f"access-reports:{name}{suffix}", kwargs=kwargs)
        for fmt, suffix in (("html", ""), ("csv", "-csv"), ("pdf", "-pdf"))
    }


def _zone_of(reader: User) -> ZoneInfo:
    facility = Facility.objects.filter(assignments__user=reader).first()
    return ZoneInfo(facility.time_zone if facility else settings.TIME_ZONE)


def _respond(
    request: HttpRequest,
    fmt: Format,
    *,
    events: QuerySet[AuditEvent],
    zone: ZoneInfo,
    title: str,
    subject: str,
    links: dict[str, str],
) -> HttpResponse | StreamingHttpResponse:
    filename = slugify(f"access-report-{subject}")
    if fmt == "csv":
        lines = (
            line.encode() for line in reports.csv_lines(reports.rows(events, zone))
        )
        return protected_stream(
            lines, content_type="text/csv; charset=utf-8", filename=f"{filename}.csv"
        )
    if fmt == "pdf":
        subtitle = f"Produced by {request.user} for {subject}. Times in {zone.key}."
        pdf = render_pdf(
            title=title, subtitle=subtitle, report_rows=reports.rows(events, zone)
        )
        return protected_bytes(
            pdf,
            content_type="application/pdf",
            filename=f"{filename}.pdf",
            inline=False,
        )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "title": title,
        "zone": zone.key,
        "page": page,
        "rows": list(reports.rows(page.object_list, zone)),
        "columns": reports.COLUMNS,
        "links": links,
    }
    return render(request, "records/report_detail.html", context)


@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    """Choose a patient (among those the reader may see) or a user to report on."""
    reader = _reader(request)
    if username := request.GET.get("user", "").strip():
        # Looked up first: a name that cannot be in a URL is simply not found.
        subject = get_object_or_404(User, username=username)
        return redirect("access-reports:user-report", username=subject.get_username())
    query = request.GET.get("patient", "").strip()
    patients = (
        patients_visible_to(reader)
        .filter(Q(mrn__iexact=query) | Q(family_name__icontains=query))
        .order_by("family_name", "given_names")[:25]
        if query
        else []
    )
    return render(
        request, "records/report_index.html", {"query": query, "patients": patients}
    )


@login_required
def patient_report(
    request: HttpRequest, public_id: UUID, fmt: Format = "html"
) -> HttpResponse | StreamingHttpResponse:
    """Everyone who accessed a patient's record: when, what and why."""
    reader = _reader(request)
    patient = get_object_or_404(patients_visible_to(reader), public_id=public_id)
    record_event(
        actor=reader,
        action=Action.ACCESS_REPORT,
        patient=patient,
        request=request,
        detail={"report": "patient", "format": fmt, "page": request.GET.get("page")},
    )
    return _respond(
        request,
        fmt,
        events=reports.events_about_patient(patient.public_id),
        zone=ZoneInfo(patient.facility.time_zone),
        title=f"Access to the record of {patient.full_name} (MRN {patient.mrn})",
        subject=f"patient {patient.mrn}",
        links=_links("patient-report", public_id=str(patient.public_id)),
    )


@login_required
def user_report(
    request: HttpRequest, username: str, fmt: Format = "html"
) -> HttpResponse | StreamingHttpResponse:
    """Everything a user did, limited to the patients the reader may see."""
    reader = _reader(request)
    subject = get_object_or_404(User, username=username)
    record_event(
        actor=reader,
        action=Action.ACCESS_REPORT,
        target=subject,
        request=request,
        detail={"report": "user", "user": username, "format": fmt},
    )
    visible = patients_visible_to(reader).values_list("public_id", flat=True)
    return _respond(
        request,
        fmt,
        events=reports.events_by_user(subject, visible),
        zone=_zone_of(reader),
        title=f"Activity of {subject.get_full_name() or username} ({username})",
        subject=f"user {username}",
        links=_links("user-report", username=username),
    )
