"""What later apps do for accounts: records places an identity provider's user on wards.

accounts never imports records; records registers here in its AppConfig.ready()
(docs/architecture.md, "How the arrows stay one-way").
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import User

from common.hooks import Hook


@dataclass(frozen=True)
class Workplaces:
    """What one sign-in's claims say about where the user works."""

    # "FACILITY/WARD" codes for ward memberships; a bare "FACILITY" for the whole facility.
    codes: list[str]
    # Who said so, for the audit trail: {"method": "oidc", "issuer": …, "subject": …}.
    source: dict[str, str] = field(default_factory=dict)


# Makes the user's memberships and assignments exactly those the codes name (removals
# included), inside the sign-in's transaction; returns the codes it does not know.
workplaces_from_claims: Hook[Callable[[User, Workplaces], list[str]]] = Hook(
    "workplaces_from_claims"
)
