"""Users from the identity provider's claims: made, kept in step, refused, ended.

Every sign-in sets the user's roles, wards and facilities to exactly what the claims say,
so a change made at the provider (a new ward, a role taken away) holds from the next
sign-in. A refusal raises before anything is written; the caller records it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.checks import CheckMessage, Error
from django.db import transaction
from django.utils import timezone

from accounts.api_tokens import end_all_api_tokens
from accounts.hooks import Workplaces, workplaces_from_claims
from accounts.mfa import has_confirmed_device
from accounts.models import ProviderIdentity
from accounts.roles import PRIVILEGED_ROLES, Role
from accounts.rolesync import ensure_roles
from audit.services import Action, record_event

METHOD = "oidc"
# Session keys: when the provider is next asked about the session, its refresh token,
# and whether the provider's own MFA (amr) stands in for the local one-time code.
RENEW_AT = "custodian_oidc_renew_at"
REFRESH_TOKEN = "custodian_oidc_refresh_token"  # noqa: S105 - a session key
PROVIDER_MFA = "custodian_oidc_mfa"
# When a re-authentication at the provider (prompt=login, max_age=0) was asked for.
REAUTH_ASKED_AT = "custodian_oidc_reauth_asked_at"

# The role names of CUSTODIAN_OIDC_ROLE_MAP (DESIGN.md §9).
ROLE_NAMES: dict[str, Role] = {
    "ward_staff": Role.WARD_STAFF,
    "records_manager": Role.RECORDS_MANAGER,
    "legal": Role.LEGAL,
    "privacy_officer": Role.PRIVACY_OFFICER,
    "administrator": Role.ADMINISTRATOR,
}


class SignInRefused(Exception):
    """The provider vouched for someone Custodian will not let in, or for nobody."""

    def __init__(self, reason: str, message: str, *, subject: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.subject = subject


@dataclass
class SignedIn:
    user: User
    unknown_codes: list[str] = field(default_factory=list)
    has_provider_mfa: bool = False
    # When the person last proved who they are to the provider (the auth_time claim).
    authenticated_at: float = 0.0


def _values(claim: Any) -> list[str]:
    """A claim as a list of strings (providers send one value as a bare string)."""
    if claim is None:
        return []
    if isinstance(claim, str):
        return [claim]
    if isinstance(claim, list | tuple):
        return [str(value) for value in claim]
    return [str(claim)]


def roles_from_claims(claims: Mapping[str, Any]) -> set[Role]:
    """The Custodian roles CUSTODIAN_OIDC_ROLE_MAP gives the claimed provider values."""
    mapping: dict[str, str] = settings.CUSTODIAN_OIDC_ROLE_MAP
    claimed = _values(claims.get(settings.CUSTODIAN_OIDC_ROLES_CLAIM))
    return {
        ROLE_NAMES[mapping[value]]
        for value in claimed
        if mapping.get(value) in ROLE_NAMES
    }


def source_of(issuer: str, subject: str) -> dict[str, str]:
    return {"method": METHOD, "issuer": issuer, "subject": subject}


def _username_for(claims: Mapping[str, Any], subject: str) -> str:
    wanted = str(claims.get("preferred_username") or claims.get("email") or subject)
    wanted = wanted[:140]
    # Never the name of an existing account: a local administrator "jsmith" is not the
    # provider's "jsmith" until an administrator links them.
    if not User.objects.filter(username=wanted).exists():
        return wanted
    return f"{wanted[:130]}.{subject[:8]}"


def _new_user(
    claims: Mapping[str, Any], issuer: str, subject: str
) -> tuple[User, ProviderIdentity]:
    user = User(username=_username_for(claims, subject))
    user.set_unusable_password()
    user.save()
    identity = ProviderIdentity.objects.create(
        user=user, issuer=issuer, subject=subject
    )
    record_event(
        actor=None,
        action=Action.OIDC_ACCOUNT_CREATED,
        target=user,
        detail={"username": user.username, **source_of(issuer, subject)},
    )
    return user, identity


def _refuse_mfa(
    roles: set[Role], claims: Mapping[str, Any], user: User | None, subject: str
) -> bool:
    """True if the provider did the MFA; refuses a privileged user with no MFA at all."""
    has_provider_mfa = settings.CUSTODIAN_OIDC_MFA_AMR in _values(claims.get("amr"))
    if has_provider_mfa or not settings.CUSTODIAN_MFA_REQUIRED:
        return has_provider_mfa
    if roles & PRIVILEGED_ROLES and not (user and has_confirmed_device(user)):
        raise SignInRefused(
            "no_mfa",
            "Your role needs multi-factor sign-in, and your identity provider did not "
            "report one. Sign in again with your organisation's MFA, or ask the "
            "service desk to require it for Custodian.",
            subject=subject,
        )
    return False


def _set_roles(
    user: User, roles: Iterable[Role], source: dict[str, str], created: bool
) -> None:
    before = set(user.groups.values_list("name", flat=True))
    after = {str(role) for role in roles}
    added, removed = sorted(after - before), sorted(before - after)
    if not added and not removed:
        return
    groups = list(Group.objects.filter(name__in=after))
    if len(groups) < len(after):
        # The role groups come from migrations; a flushed database lost them.
        ensure_roles()
        groups = list(Group.objects.filter(name__in=after))
    user.groups.set(groups)
    record_event(
        actor=None,
        action=Action.ROLES_CHANGED,
        target=user,
        detail={
            "username": user.username,
            "added": added,
            "removed": removed,
            "first_sign_in": created,
            **source,
        },
    )


@transaction.atomic
def sign_in_from_claims(*, claims: Mapping[str, Any], issuer: str) -> SignedIn:
    """Find or make the provider's user and set roles, wards and facilities from claims."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SignInRefused("no_subject", "The identity provider named nobody.")
    identity = (
        ProviderIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    user = identity.user if identity else None
    roles = roles_from_claims(claims)
    if not roles:
        raise SignInRefused(
            "no_role",
            "Your account at the identity provider gives you no Custodian role. Ask "
            "your manager or the service desk for access to Custodian.",
            subject=subject,
        )
    if (
        identity is not None
        and not identity.user.is_active
        and not identity.is_disabled_by_provider
    ):
        raise SignInRefused(
            "disabled",
            "Your Custodian account has been disabled by an administrator.",
            subject=subject,
        )
    has_provider_mfa = _refuse_mfa(roles, claims, user, subject)
    source = source_of(issuer, subject)
    created = identity is None
    if identity is None:
        user, identity = _new_user(claims, issuer, subject)
    else:
        user = identity.user
    if not user.is_active:
        user.is_active = True
        identity.is_disabled_by_provider = False
        record_event(
            actor=None,
            action=Action.ACCOUNT_ACTIVATED,
            target=user,
            detail={"username": user.username, **source},
        )
    user.first_name = str(claims.get("given_name", user.first_name))[:150]
    user.last_name = str(claims.get("family_name", user.last_name))[:150]
    user.email = str(claims.get("email", user.email))[:254]
    user.save()
    _set_roles(user, roles, source, created)
    codes = _values(claims.get(settings.CUSTODIAN_OIDC_WARDS_CLAIM))
    unknown: list[str] = []
    for sync in workplaces_from_claims:
        unknown += sync(user, Workplaces(codes=codes, source=source))
    for code in unknown:
        record_event(
            actor=user,
            action=Action.OIDC_UNKNOWN_WARD,
            target=user,
            detail={"code": code[:100], **source},
        )
    identity.signed_in_at = timezone.now()
    identity.save()
    record_event(
        actor=user,
        action=Action.OIDC_SIGNED_IN,
        target=user,
        detail={
            **source,
            "roles": sorted(str(role) for role in roles),
            "provider_mfa": has_provider_mfa,
        },
    )
    try:
        authenticated_at = float(claims.get("auth_time") or 0)
    except (TypeError, ValueError):
        authenticated_at = 0.0
    return SignedIn(
        user=user,
        unknown_codes=unknown,
        has_provider_mfa=has_provider_mfa,
        authenticated_at=authenticated_at,
    )


@transaction.atomic
def record_refusal(*, refusal: SignInRefused, issuer: str, request: Any) -> None:
    """The refused sign-in on the audit trail: who, by which provider, and why."""
    record_event(
        actor=None,
        action=Action.OIDC_REFUSED,
        request=request,
        reason=refusal.reason,
        detail={**source_of(issuer, refusal.subject), "message": refusal.message},
    )


@transaction.atomic
def end_provider_session(
    *, user: User, issuer: str, reason: str, disable: bool, request: Any = None
) -> None:
    """Record that the provider no longer vouches for this session.

    disable: the provider refused the user outright (a leaver): the account and its API
    tokens stop working at once, until the provider lets the user sign in again.
    """
    identity = ProviderIdentity.objects.filter(user=user).first()
    subject = identity.subject if identity else ""
    if disable and identity is not None:
        User.objects.filter(pk=user.pk).update(is_active=False)
        identity.is_disabled_by_provider = True
        identity.save(update_fields=["is_disabled_by_provider"])
        end_all_api_tokens(user=user)
    record_event(
        actor=user,
        action=Action.OIDC_SESSION_ENDED,
        target=user,
        request=request,
        reason=reason,
        detail={**source_of(issuer, subject), "account_disabled": disable},
    )


def check_provider_settings(**kwargs: Any) -> list[CheckMessage]:
    """A role map naming no real role would refuse everyone, silently, at sign-in."""
    problems: list[CheckMessage] = []
    wrong = sorted(set(settings.CUSTODIAN_OIDC_ROLE_MAP.values()) - set(ROLE_NAMES))
    if wrong:
        problems.append(
            Error(
                f"CUSTODIAN_OIDC_ROLE_MAP names unknown roles: {', '.join(wrong)}.",
                hint=f"Use {', '.join(ROLE_NAMES)}.",
                id="custodian.E020",
            )
        )
    if settings.CUSTODIAN_OIDC_ISSUER and not settings.CUSTODIAN_OIDC_CLIENT_ID:
        problems.append(
            Error(
                "CUSTODIAN_OIDC_ISSUER is set but CUSTODIAN_OIDC_CLIENT_ID is not.",
                id="custodian.E021",
            )
        )
    return problems
