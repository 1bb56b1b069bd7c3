"""OpenID Connect with the hospital's identity provider, through mozilla-django-oidc.

The library runs the authorization code flow (state, nonce, PKCE S256) and checks the ID
token's signature; this module adds what it leaves to its users: endpoints from the
provider's discovery document rather than settings, the signing keys cached and fetched
again when a token names a key not seen before (key rotation), and the `iss`, `aud`,
`azp`, `exp` and `iat` checks. Users come from the claims (accounts.oidc_accounts).
"""

import threading
import time
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from josepy.errors import Error as JoseError
from josepy.jws import JWS, Header
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.oidc_accounts import SignedIn, SignInRefused, sign_in_from_claims
from accounts.roles import Role, has_role

# How long a discovery document and a key set are trusted before being fetched again.
CACHE_SECONDS = 3600
# Clock difference allowed between the provider and Custodian.
LEEWAY_SECONDS = 60
BACKEND_PATH = "accounts.oidc.HospitalIdentityBackend"


class ProviderUnavailable(Exception):
    """The identity provider could not be reached, or answered nonsense."""


_lock = threading.Lock()
_configurations: dict[str, tuple[float, dict[str, Any]]] = {}
_key_sets: dict[str, tuple[float, list[dict[str, Any]]]] = {}


def is_configured() -> bool:
    return bool(settings.CUSTODIAN_OIDC_ISSUER and settings.CUSTODIAN_OIDC_CLIENT_ID)


def _get_json(url: str) -> Any:
    try:
        answer = requests.get(url, timeout=settings.CUSTODIAN_OIDC_TIMEOUT)
        answer.raise_for_status()
        return answer.json()
    except (requests.RequestException, ValueError) as failure:
        raise ProviderUnavailable(str(failure)) from failure


def provider_configuration() -> dict[str, Any]:
    """The provider's discovery document, fetched once an hour."""
    issuer = settings.CUSTODIAN_OIDC_ISSUER
    with _lock:
        cached = _configurations.get(issuer)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    found = _get_json(f"{issuer}/.well-known/openid-configuration")
    if not isinstance(found, dict) or found.get("issuer", "").rstrip("/") != issuer:
        # OpenID Connect Discovery §4.3: the document must name the issuer asked for.
        raise ProviderUnavailable("The discovery document names another issuer.")
    with _lock:
        _configurations[issuer] = (time.monotonic() + CACHE_SECONDS, found)
    return found


def endpoint(name: str) -> str:
    value = provider_configuration().get(name)
    if not isinstance(value, str) or not value:
        raise ProviderUnavailable(f"The provider publishes no {name}.")
    return value


def _key_set(*, fresh: bool) -> list[dict[str, Any]]:
    url = endpoint("jwks_uri")
    with _lock:
        cached = _key_sets.get(url)
    if cached and not fresh and cached[0] > time.monotonic():
        return cached[1]
    keys = _get_json(url).get("keys", [])
    with _lock:
        _key_sets[url] = (time.monotonic() + CACHE_SECONDS, keys)
    return list(keys)


def forget_provider() -> None:
    """Drop the cached discovery documents and keys (a new provider, or tests)."""
    with _lock:
        _configurations.clear()
        _key_sets.clear()


def signing_key(kid: str | None, alg: str) -> dict[str, Any]:
    """The provider's key for this token; the key set is fetched again for a new kid."""
    for fresh in (False, True):
        for key in _key_set(fresh=fresh):
            if (kid is None or key.get("kid") == kid) and key.get("alg", alg) == alg:
                return key
    raise SuspiciousOperation(
        "The token is signed with a key the provider does not have."
    )


class HospitalIdentityBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Signs in with the provider's ID token; the user comes from its claims."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads its endpoints here; ours come from discovery when needed, so
        # loading the backend (every password sign-in does) never reaches the provider.
        self.OIDC_RP_CLIENT_ID = settings.CUSTODIAN_OIDC_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.CUSTODIAN_OIDC_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = User
        self.signed_in: SignedIn | None = None
        self.token_info: dict[str, Any] = {}

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802 - the library's name
        return endpoint("token_endpoint")

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str | None:  # noqa: N802 - the library's name
        found = provider_configuration().get("userinfo_endpoint")
        return found if isinstance(found, str) else None

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802 - the library's name
        return endpoint("jwks_uri")

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback view passes a nonce: a password form with ?code= in its URL
        # must not start a token exchange.
        if request is None or "nonce" not in kwargs or not is_configured():
            return None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def get_token(self, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            found: dict[str, Any] = super().get_token(payload)
        except requests.HTTPError as refused:
            # The provider refused the code: replayed, expired, or the PKCE verifier
            # does not match the challenge.
            raise SignInRefused(
                "token_refused", "The identity provider refused this sign-in."
            ) from refused
        except (requests.RequestException, ValueError) as failure:
            raise ProviderUnavailable(str(failure)) from failure
        self.token_info = found
        return found

    def retrieve_matching_jwk(self, token: bytes) -> dict[str, Any]:
        header = Header.json_loads(JWS.from_compact(token).signature.protected)
        if header.alg is None:
            raise SuspiciousOperation("The token names no signing algorithm.")
        return signing_key(header.kid, str(header.alg.name))

    def verify_token(self, token: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            payload: dict[str, Any] = super().verify_token(token, **kwargs)
        except SuspiciousOperation as bad:
            reason = "nonce" if "Nonce" in str(bad) else "signature"
            raise SignInRefused(
                reason, "The identity provider's answer could not be trusted."
            ) from bad
        except (JoseError, ValueError, KeyError, TypeError) as bad:
            raise SignInRefused(
                "malformed", "The identity provider's answer could not be read."
            ) from bad
        _check_claims(payload, str(kwargs.get("nonce") or ""))
        return payload

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            try:
                extra = super().get_userinfo(access_token, id_token, payload)
            except (requests.RequestException, ValueError) as failure:
                raise ProviderUnavailable(str(failure)) from failure
            if extra.get("sub") != payload.get("sub"):
                raise SignInRefused(
                    "userinfo_subject", "The identity provider named two people."
                )
            # The signed ID token's claims win over the userinfo answer's.
            claims = {**extra, **payload}
        return claims

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User:
        claims = self.get_userinfo(access_token, id_token, payload)
        self.signed_in = sign_in_from_claims(
            claims=claims, issuer=settings.CUSTODIAN_OIDC_ISSUER
        )
        # The callback view reads what the sign-in found (unknown wards, provider MFA).
        self.request.custodian_signed_in = self.signed_in
        return self.signed_in.user

    def store_tokens(self, access_token: str, id_token: str) -> None:
        super().store_tokens(access_token, id_token)
        from accounts.oidc_accounts import REFRESH_TOKEN

        refresh = self.token_info.get("refresh_token")
        if refresh:
            self.request.session[REFRESH_TOKEN] = refresh


def _check_claims(payload: dict[str, Any], nonce: str) -> None:
    """OpenID Connect Core §3.1.3.7: the checks the library leaves to its users."""
    subject = str(payload.get("sub") or "")

    def refuse(reason: str) -> SignInRefused:
        return SignInRefused(
            reason,
            "The identity provider's answer could not be trusted.",
            subject=subject,
        )

    if str(payload.get("iss", "")).rstrip("/") != settings.CUSTODIAN_OIDC_ISSUER:
        raise refuse("issuer")
    audience = payload.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    client_id = settings.CUSTODIAN_OIDC_CLIENT_ID
    if client_id not in audiences:
        raise refuse("audience")
    if len(audiences) > 1 and payload.get("azp") != client_id:
        raise refuse("audience")
    now = time.time()
    try:
        expires, issued = float(payload["exp"]), float(payload.get("iat", now))
    except (KeyError, TypeError, ValueError) as bad:
        raise refuse("expired") from bad
    if expires < now - LEEWAY_SECONDS:
        raise refuse("expired")
    if issued > now + LEEWAY_SECONDS:
        raise refuse("issued_in_future")
    if not nonce or payload.get("nonce") != nonce:
        raise refuse("nonce")


class LocalPasswordBackend(ModelBackend):
    """Passwords: everyone's, or only break-glass administrators' when local login is off."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        user = super().authenticate(request, username, password, **kwargs)
        if user is None or settings.CUSTODIAN_LOCAL_LOGIN:
            return user
        if isinstance(user, User) and is_break_glass_administrator(user):
            return user
        return None


def is_break_glass_administrator(user: User) -> bool:
    """Who may still use a password when everyone else signs in with the provider."""
    return user.is_superuser or has_role(user, Role.ADMINISTRATOR)
