"""The journal keeps messages CUSTODIAN_HL7_JOURNAL_DAYS (90), parked ones until settled."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings

from interop.feed.services import handle
from interop.feed.tasks import purge_feed_journal
from interop.models import FeedMessage
from records.models import Ward
from tests.interop.feedkit import harbour
from tests.interop.mllp import corpus, message

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_beat_task_purges_rows_older_than_the_journal_days_but_not_parked_ones() -> (
    None
):
    harbour()
    Ward.objects.filter(code="5A").delete()
    with time_machine.travel(datetime(2025, 1, 1, tzinfo=UTC)):
        handle(message("OLD1"))  # parked: 5A is unknown
        handle(corpus("a05_preadmit.hl7"))
    with time_machine.travel(datetime(2025, 3, 1, tzinfo=UTC)):
        handle(message("RECENT1", event="A05"))

    with time_machine.travel(datetime(2025, 4, 15, tzinfo=UTC)):
        assert settings.CUSTODIAN_HL7_JOURNAL_DAYS == 90
        assert purge_feed_journal.apply().get() == 1

    assert set(FeedMessage.objects.values_list("control_id", "outcome")) == {
        ("OLD1", "parked"),
        ("RECENT1", "AA"),
    }
    assert "feed-journal-purge-daily" in settings.CELERY_BEAT_SCHEDULE
