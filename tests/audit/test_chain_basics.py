"""Every recorded event extends one hash chain that verification can walk."""

import pytest
from django.contrib.auth.models import User

from audit.models import AppendOnlyError, AuditEvent
from audit.services import Action, record_event
from audit.verification import verify_chain

pytestmark = pytest.mark.django_db


def test_events_form_an_unbroken_chain(nurse: User) -> None:
    for _ in range(3):
        record_event(actor=nurse, action=Action.VIEW, detail={"n": 1})
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash
    report = verify_chain()
    assert report.ok
    assert report.events == 3


def test_events_cannot_be_changed_or_deleted_through_django(nurse: User) -> None:
    event = record_event(actor=nurse, action=Action.VIEW)
    event.reason = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_unknown_actions_are_refused(nurse: User) -> None:
    with pytest.raises(ValueError, match="Unknown audit action"):
        record_event(actor=nurse, action="peeked")
    assert not AuditEvent.objects.exists()
