"""Who may read the feed's journal, and which rows: it holds personal information.

Records managers read the messages sent by their facilities (by MSH-4 code, or by a
source mapped to their facility); administrators, who run the interface, read them all.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.roles import Role, has_role
from interop.models.feed import FeedMessage
from records.models import Facility, FacilityAssignment


def may_read_journal(user: User | AnonymousUser) -> bool:
    """True for records managers and administrators."""
    return has_role(user, Role.RECORDS_MANAGER) or has_role(user, Role.ADMINISTRATOR)


def journal_visible_to(user: User | AnonymousUser) -> QuerySet[FeedMessage]:
    """The journal rows the user may read, newest first."""
    if has_role(user, Role.ADMINISTRATOR):
        return FeedMessage.objects.all()
    if not isinstance(user, User) or not has_role(user, Role.RECORDS_MANAGER):
        return FeedMessage.objects.none()
    facilities = FacilityAssignment.objects.filter(user=user).values("facility_id")
    codes = Facility.objects.filter(pk__in=facilities).values("code")
    return FeedMessage.objects.filter(
        Q(sending_facility__in=codes) | Q(source__facility_id__in=facilities)
    )


def journal_entry_for(user: User | AnonymousUser, public_id: str) -> FeedMessage:
    """One row the user may read; 404 otherwise (never confirm it exists)."""
    try:
        return journal_visible_to(user).get(public_id=public_id)
    except (FeedMessage.DoesNotExist, ValueError) as exc:
        raise Http404("No such message.") from exc
