"""Pages for legal work: matters, their holds, exports with progress, downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.acting import acting_user
from accounts.permissions import Perm
from accounts.reauth import require_recent_authentication
from common.errors import DomainError
from legal import selectors, services
from legal.forms import ExportForm, ReleaseForm
from legal.holds import release_legal_hold
from legal.models import ExportBundle
from legal.numbering import default_prefix
from legal.scope import images_in_scope, open_matters_of
from vault.responses import protected_stream


def _message(exc: DomainError | ValidationError) -> str:
    return exc.message if isinstance(exc, DomainError) else " ".join(exc.messages)


def bundle_response(request: HttpRequest, bundle: ExportBundle) -> HttpResponseBase:
    """Stream a ready bundle as a download (audited); expired or unready: 410/409."""
    chunks = services.download_export(
        actor=acting_user(request), bundle=bundle, request=request
    )
    return protected_stream(
        chunks,
        content_type="application/zip",
        filename=f"{bundle.matter.reference}-{str(bundle.public_id)[:8]}.zip",
        size=bundle.size_bytes,
    )


@login_required
@permission_required(Perm.EXPORT_IMAGES, raise_exception=True)
def home(request: HttpRequest) -> HttpResponse:
    matters = open_matters_of(request.user).prefetch_related("export_bundles")
    return render(request, "legal/legal_home.html", {"matters": matters})


@login_required
@permission_required(Perm.EXPORT_IMAGES, raise_exception=True)
def matter_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    matter = selectors.matter_for(request.user, public_id)
    form = ExportForm(initial={"party_prefix": default_prefix(matter.reference)})
    return _matter_page(request, matter, form)


def _matter_page(
    request: HttpRequest, matter: object, form: ExportForm, status: int = 200
) -> HttpResponse:
    context = {
        "matter": matter,
        "images": images_in_scope(matter),  # type: ignore[arg-type]
        "holds": matter.holds.all(),  # type: ignore[attr-defined]
        "exports": matter.export_bundles.all(),  # type: ignore[attr-defined]
        "form": form,
        "release_form": ReleaseForm(),
    }
    return render(request, "legal/legal_matter_detail.html", context, status=status)


@require_POST
@login_required
@permission_required(Perm.EXPORT_IMAGES, raise_exception=True)
@require_recent_authentication
def export_start(request: HttpRequest, public_id: str) -> HttpResponse:
    matter = selectors.matter_for(request.user, public_id)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _matter_page(request, matter, form, status=400)
    try:
        bundle = services.request_export(
            actor=acting_user(request),
            matter=matter,
            numbering=form.cleaned_data["numbering"],
            prefix=form.cleaned_data["party_prefix"],
            request=request,
        )
    except (DomainError, ValidationError) as exc:
        form.add_error(None, _message(exc))
        return _matter_page(request, matter, form, status=400)
    return redirect("legal:export-detail", public_id=bundle.public_id)


@login_required
def export_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    bundle = selectors.export_for(request.user, public_id)
    return render(request, "legal/legal_export_detail.html", {"bundle": bundle})


@login_required
def export_download(request: HttpRequest, public_id: str) -> HttpResponseBase:
    bundle = selectors.export_for(request.user, public_id)
    try:
        return bundle_response(request, bundle)
    except DomainError as exc:
        return render(
            request,
            "legal/legal_export_detail.html",
            {"bundle": bundle, "error": exc.message},
            status=exc.status_code,
        )


@login_required
@permission_required(Perm.MANAGE_LEGAL_HOLDS, raise_exception=True)
def holds(request: HttpRequest) -> HttpResponse:
    found = selectors.holds_visible_to(request.user)
    return render(
        request,
        "legal/legal_holds.html",
        {"holds": found, "release_form": ReleaseForm()},
    )


@require_POST
@login_required
@permission_required(Perm.MANAGE_LEGAL_HOLDS, raise_exception=True)
def hold_release(request: HttpRequest, public_id: str) -> HttpResponse:
    hold = selectors.hold_for(request.user, public_id)
    form = ReleaseForm(request.POST)
    try:
        reason = form.data.get("reason", "")
        release_legal_hold(
            actor=acting_user(request), hold=hold, reason=str(reason), request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("legal:holds")
    messages.success(request, "The hold is released.")
    return redirect("legal:holds")
