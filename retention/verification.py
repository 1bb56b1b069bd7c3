"""Verifying a rule against the authorised text, and switching disposal freezes on or off.

Both are audited acts of a records manager: a rule ships needs_verification=True and no
image dated by it is disposed of until someone says which text they read it against.
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.permissions import may_manage_retention
from audit.services import Action, record_event
from common.queue import enqueue
from retention.compute import UNVERIFIED
from retention.exceptions import RetentionRefused
from retention.models import (
    DisposalFreeze,
    RetentionRule,
    RetentionRuleVersion,
    RuleVerification,
)
from retention.rules import rule_content

NOT_VERIFIED = "due, but the rule is not yet verified"


def unverified_q(prefix: str = "") -> Q:
    """Images whose retain-until comes from a rule still marked needs_verification."""
    return Q(**{f"{prefix}retention_basis__endswith": UNVERIFIED})


def _check(actor: User) -> None:
    if not may_manage_retention(actor):
        raise PermissionDenied("Only records managers verify rules and freezes.")


@transaction.atomic
def verify_retention_rule(
    *,
    actor: User,
    rule: RetentionRule,
    source_title: str,
    source_version: str,
    clause: str,
    reason: str,
    request: HttpRequest | None = None,
) -> RuleVerification:
    """Mark a rule as read against the authorised text (title, version, clause)."""
    _check(actor)
    given = [part.strip() for part in (source_title, source_version, clause, reason)]
    if not all(given):
        raise RetentionRefused(
            "Give the text's title, its version, the clause and why."
        )
    locked = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    if not locked.needs_verification:
        raise RetentionRefused("This rule is already verified.")
    locked.needs_verification = False
    locked.version += 1
    locked.save()
    check = RuleVerification.objects.create(
        rule=locked,
        rule_version=locked.version,
        verified_by=actor,
        source_title=given[0],
        source_version=given[1],
        clause=given[2],
        reason=given[3],
    )
    content = rule_content(locked)
    RetentionRuleVersion.objects.create(
        rule=locked,
        version=locked.version,
        content=content,
        reason=given[3],
        changed_by=actor,
    )
    record_event(
        actor=actor,
        action=Action.RULE_CHANGED,
        target=locked,
        request=request,
        reason=given[3],
        detail={
            "version": locked.version,
            "verified_against": {
                "title": given[0],
                "version": given[1],
                "clause": given[2],
            },
        },
    )
    # The basis of every image it dates loses its "not yet verified" mark.
    enqueue("retention.tasks.recompute_retention")
    rule.refresh_from_db()
    return check


@transaction.atomic
def switch_freeze(
    *,
    actor: User,
    freeze: DisposalFreeze,
    on: bool,
    reason: str,
    request: HttpRequest | None = None,
) -> DisposalFreeze:
    """Switch a disposal freeze on (images in its scope are kept) or off."""
    _check(actor)
    if not reason.strip():
        raise RetentionRefused("Say why the freeze is switched on or off.")
    locked = DisposalFreeze.objects.select_for_update().get(pk=freeze.pk)
    if locked.is_active == on:
        raise RetentionRefused("The freeze is already " + ("on." if on else "off."))
    locked.is_active = on
    locked.changed_by, locked.changed_at = actor, timezone.now()
    locked.save()
    record_event(
        actor=actor,
        action=Action.RULE_CHANGED,
        target=locked,
        request=request,
        reason=reason.strip(),
        detail={"freeze": locked.title, "active": on},
    )
    freeze.refresh_from_db()
    return locked
