"""ADT events sent over real MLLP to the feed's handler change the record as the PAS says."""

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
import time_machine

from audit.models import AuditEvent
from interop.feed.services import handle
from interop.hl7 import MllpServer
from interop.models import FeedMessage
from records.models import Encounter, Patient, PatientIdentifier, WardStay
from records.selectors import patients_visible_to
from tests.conftest import staff_on
from tests.interop.feedkit import code_of, exchange, exchange_files, harbour, ward
from tests.interop.mllp import corpus

pytestmark = pytest.mark.django_db(transaction=True)

Start = Callable[..., MllpServer]


@pytest.fixture
def feed(listener: Start) -> MllpServer:
    harbour()
    return listener(handle)


def test_an_admission_registers_the_patient_with_mrn_and_ihi_and_opens_the_encounter(
    feed: MllpServer,
) -> None:
    (ack,) = exchange_files(feed, "a01_admit_5a_mrn_ihi_medicare.hl7")

    assert code_of(ack) == "AA"
    assert str(ack.segment("MSA")(2)) == "RHH000101"
    jane = Patient.objects.get(facility__code="RHH", mrn="0412345")
    assert (jane.family_name, jane.given_names) == ("Citizen", "Jane Anne")
    assert jane.date_of_birth == date(1980, 1, 1)
    assert {(i.type, i.system, i.value) for i in jane.identifiers.all()} == {
        ("MR", "RHH", "0412345"),
        ("NI", "AUSHIC", "8003608166690503"),
    }
    encounter = jane.encounters.get()
    assert (encounter.ward.code, encounter.visit_number) == ("5A", "V1001")
    assert encounter.ended_at is None
    journal = FeedMessage.objects.get()
    assert (journal.outcome, journal.event, journal.control_id) == (
        "AA",
        "A01",
        "RHH000101",
    )
    assert journal.ack.startswith("MSH|")
    events = list(AuditEvent.objects.all())
    assert len(events) == 2  # the patient, the encounter
    assert all(e.actor_id is None and "ADT feed" in e.detail["via"] for e in events)


def test_the_same_message_again_gets_the_first_ack_and_changes_nothing(
    feed: MllpServer,
) -> None:
    admission = corpus("a01_admit_5a_mrn_ihi_medicare.hl7")
    first, again = exchange(feed, admission, admission)

    assert str(again) == str(first)
    assert Encounter.objects.count() == 1
    assert FeedMessage.objects.count() == 1
    assert AuditEvent.objects.count() == 2


def test_a_transfer_keeps_the_ward_left_and_its_access_for_the_window(
    feed: MllpServer,
) -> None:
    exchange_files(
        feed, "a01_admit_5a_mrn_ihi_medicare.hl7", "a02_transfer_5a_to_burns.hl7"
    )

    encounter = Encounter.objects.get()
    assert encounter.ward.code == "BURNS"
    stay = WardStay.objects.get()
    assert (stay.ward.code, stay.encounter) == ("5A", encounter)
    nurse_of_5a = staff_on(ward("5A"), username="nurse5a")
    # The transfer was on 14 March 2025; the window is 30 days.
    with time_machine.travel(datetime(2025, 4, 1, tzinfo=UTC)):
        assert encounter.patient in patients_visible_to(nurse_of_5a)
    with time_machine.travel(datetime(2025, 4, 20, tzinfo=UTC)):
        assert encounter.patient not in patients_visible_to(nurse_of_5a)


def test_a_transfer_cancelled_goes_back_to_the_ward_left(feed: MllpServer) -> None:
    acks = exchange_files(
        feed,
        "a01_admit_5a_mrn_ihi_medicare.hl7",
        "a02_transfer_5a_to_burns.hl7",
        "a12_cancel_transfer.hl7",
    )

    assert [code_of(a) for a in acks] == ["AA", "AA", "AA"]
    assert Encounter.objects.get().ward.code == "5A"
    assert not WardStay.objects.exists()


def test_an_unknown_ward_parks_the_message_and_applies_nothing(
    feed: MllpServer,
) -> None:
    ward("5A").delete()

    (ack,) = exchange_files(feed, "a01_admit_5a_mrn_ihi_medicare.hl7")

    assert code_of(ack) == "AE"
    assert "PV1" in str(ack.segment("ERR"))
    assert not Patient.objects.exists()
    assert not AuditEvent.objects.exists()
    journal = FeedMessage.objects.get()
    assert journal.outcome == FeedMessage.Outcome.PARKED
    assert "unknown ward '5A'" in journal.error


def test_an_unknown_facility_is_answered_ae_naming_msh_4_and_journaled(
    listener: Start,
) -> None:
    feed = listener(handle)

    (ack,) = exchange_files(feed, "a01_admit_5a_mrn_ihi_medicare.hl7")

    assert code_of(ack) == "AE"
    assert "MSH^1^4" in str(ack.segment("ERR"))
    assert not Patient.objects.exists()
    assert FeedMessage.objects.get().outcome == "AE"


def test_a_discharge_on_death_ends_the_encounter_and_records_the_death(
    feed: MllpServer,
) -> None:
    tom = corpus("a03_discharge_deceased.hl7").replace(b"|A03|", b"|A01|", 1)
    admit = tom.replace(b"ADT^A03^ADT_A03|RHH000205", b"ADT^A01^ADT_A01|RHH000204")
    admit = admit.replace(b"|202503140815+1100|Y", b"||")
    acks = exchange(feed, admit, corpus("a03_discharge_deceased.hl7"))

    assert [code_of(a) for a in acks] == ["AA", "AA"]
    walker = Patient.objects.get(mrn="0420001")
    assert walker.date_of_death == date(2025, 3, 14)
    assert walker.encounters.get().ended_at is not None


def test_an_older_demographic_update_never_overwrites_a_newer_one(
    feed: MllpServer,
) -> None:
    newer = corpus("a08_update_address.hl7").replace(b"Citizen^Jane", b"Smith^Jane")
    older = (
        corpus("a08_update_address.hl7")
        .replace(b"Citizen^Jane", b"Jones^Jane")
        .replace(b"RHH000206", b"RHH000207")
        .replace(b"20250314093015+1100", b"20250301093015+1100")
        .replace(b"EVN|A08|20250314093000+1100", b"EVN|A08|20250301093000+1100")
    )
    acks = exchange(feed, newer, older)

    assert [code_of(a) for a in acks] == ["AA", "AA"]
    assert Patient.objects.get(mrn="0412345").family_name == "Smith"


def test_an_event_not_applied_is_acknowledged_and_journaled(feed: MllpServer) -> None:
    (ack,) = exchange_files(feed, "a05_preadmit.hl7")

    assert code_of(ack) == "AA"
    assert not Patient.objects.exists()
    assert FeedMessage.objects.get().event == "A05"


def test_a_malformed_message_is_answered_and_journaled_and_the_next_is_served(
    feed: MllpServer,
) -> None:
    bad, good = exchange_files(
        feed, "bad_invalid_dob.hl7", "a01_admit_5a_mrn_ihi_medicare.hl7"
    )

    assert (code_of(bad), code_of(good)) == ("AE", "AA")
    assert set(FeedMessage.objects.values_list("outcome", flat=True)) == {"AE", "AA"}
    assert PatientIdentifier.objects.filter(value="0412345").exists()
