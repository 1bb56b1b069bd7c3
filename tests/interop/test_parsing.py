"""Reading ADT messages: values, escapes, character sets, identifiers and dates."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from interop.hl7 import (
    FieldError,
    Hl7Error,
    MessageRejected,
    Precision,
    parse_message,
    pick_ihi,
    pick_medicare_number,
    pick_mrn,
)
from tests.interop.mllp import corpus, message

SYDNEY_SUMMER = timezone(timedelta(hours=11))


def test_an_admission_reads_as_the_pas_sent_it():
    adt = parse_message(corpus("a01_admit_5a_mrn_ihi_medicare.hl7"))
    assert adt.header.sending_application == "IPM"
    assert adt.header.sending_facility == "RHH"
    assert adt.control_id == "RHH000101"
    assert adt.event == "A01"
    assert adt.header.version == "2.4"
    assert adt.header.processing_id == "P"
    assert adt.header.message_at == datetime(
        2025, 3, 14, 9, 30, 15, tzinfo=SYDNEY_SUMMER
    )
    assert adt.recorded_at == datetime(2025, 3, 14, 9, 30, tzinfo=SYDNEY_SUMMER)
    assert adt.patient.name.family == "Citizen"
    assert adt.patient.name.given == "Jane"
    assert adt.patient.born_on == date(1980, 1, 1)
    assert adt.patient.sex == "F"
    assert adt.visit.location.ward == "5A"
    assert adt.visit.location.facility == "RHH"
    assert adt.visit.visit_number == "V1001"
    assert adt.visit.admitted_at.astimezone(UTC) == datetime(
        2025, 3, 13, 22, tzinfo=UTC
    )


def test_pid_3_repetitions_give_mrn_ihi_and_medicare_number():
    ids = parse_message(corpus("a01_admit_5a_mrn_ihi_medicare.hl7")).patient.identifiers
    assert [(i.type_code, i.authority) for i in ids] == [
        ("MR", "RHH"),
        ("NI", "AUSHIC"),
        ("MC", "AUSHIC"),
    ]
    assert pick_mrn(ids, "RHH").value == "0412345"
    assert pick_ihi(ids).value == "8003608166690503"
    assert pick_medicare_number(ids).value == "29501234812"


def test_the_mrn_is_this_facilitys_even_when_another_comes_first():
    ids = parse_message(corpus("a01_other_facility_mrn_first.hl7")).patient.identifiers
    assert pick_mrn(ids, "RHH").value == "0420016"
    assert pick_mrn(ids, "WCH").value == "W100999"


def test_an_mrn_without_authority_is_the_facilitys():
    ids = parse_message(corpus("a01_mrn_without_authority.hl7")).patient.identifiers
    assert pick_mrn(ids, "RHH").value == "0420015"


def test_escape_sequences_are_unescaped():
    patient = parse_message(corpus("a08_escape_sequences.hl7")).patient
    assert patient.name.family == "O'Brien|Smith"
    assert patient.name.given == "Mary^Jo"


def test_8859_1_names_are_decoded_by_msh_18():
    adt = parse_message(corpus("a01_8859_1_zoe_ni_bhriain.hl7"))
    assert adt.header.charset == "8859/1"
    assert (adt.patient.name.given, adt.patient.name.family) == ("Zoë", "Ní Bhriain")


def test_utf_8_names_are_decoded_by_msh_18():
    name = parse_message(corpus("a01_utf8_vietnamese_name.hl7")).patient.name
    assert (name.family, name.given) == ("Nguyễn", "Thị Hồng")


def test_latin_1_bytes_without_msh_18_are_an_error_naming_the_field():
    with pytest.raises(FieldError) as refused:
        parse_message(corpus("bad_latin1_without_msh18.hl7"))
    assert refused.value.field_name == "PID-5"
    assert "ASCII" in refused.value.text


def test_z_segments_are_ignored():
    adt = parse_message(corpus("a01_z_segments.hl7"))
    assert adt.visit.location.ward == "5A"
    assert adt.patient.name.family == "Kelly"


def test_trailing_empty_fields_change_nothing():
    trailing = parse_message(corpus("a01_trailing_empty_fields.hl7"))
    assert trailing.patient.name.family == "Ryan"
    assert trailing.visit.visit_number == "V1011"


@pytest.mark.parametrize("separator", [b"\n", b"\r\n", b"\r\r"])
def test_any_line_break_between_segments_reads_as_cr(separator):
    adt = parse_message(message("NL1").replace(b"\r", separator))
    assert adt.control_id == "NL1"
    assert adt.visit.location.ward == "5A"


def test_declared_separators_are_honoured():
    adt = parse_message(corpus("a01_other_encoding_characters.hl7"))
    assert adt.patient.name.family == "Taylor"
    assert pick_mrn(adt.patient.identifiers, "RHH").value == "0420013"


def test_the_event_comes_from_evn_1_when_msh_9_has_none():
    assert parse_message(corpus("a01_v23_event_in_evn.hl7")).event == "A01"


@pytest.mark.parametrize(
    ("dob", "born_on", "precision"),
    [
        ("1947", date(1947, 1, 1), Precision.YEAR),
        ("194705", date(1947, 5, 1), Precision.MONTH),
        ("19470521", date(1947, 5, 21), Precision.DAY),
        ("202503140412+1100", date(2025, 3, 14), Precision.MINUTE),
    ],
)
def test_dates_of_birth_of_any_precision(dob, born_on, precision):
    patient = parse_message(message("D", dob=dob)).patient
    assert (patient.born_on, patient.born_on_precision) == (born_on, precision)


def test_times_without_offset_stay_naive_for_the_facility_to_localise():
    adt = parse_message(corpus("a01_times_without_offset.hl7"))
    assert adt.header.message_at == datetime(2025, 3, 14, 9, 30, 15)  # noqa: DTZ001
    assert adt.visit.admitted_at.tzinfo is None


def test_fractional_seconds_are_kept():
    at = parse_message(corpus("a01_fractional_seconds.hl7")).header.message_at
    assert at == datetime(2025, 3, 14, 9, 30, 15, 123400, tzinfo=SYDNEY_SUMMER)


@pytest.mark.parametrize(
    "dob", ["19801332", "2024011", "19800101xyz", "20230229", "1980-01-01"]
)
def test_an_invalid_date_is_a_field_error_naming_pid_7(dob):
    with pytest.raises(FieldError) as refused:
        parse_message(message("D", dob=dob))
    assert refused.value.field_name == "PID-7"
    assert refused.value.location == ["PID", "1", "7"]


def test_death_is_read_from_pid_29_and_30():
    patient = parse_message(corpus("a03_discharge_deceased.hl7")).patient
    assert patient.died_at == datetime(2025, 3, 14, 8, 15, tzinfo=SYDNEY_SUMMER)
    assert patient.is_deceased is True


def test_a_transfer_has_the_prior_location_and_a_discharge_its_disposition():
    transfer = parse_message(corpus("a02_transfer_5a_to_burns.hl7")).visit
    assert (transfer.location.ward, transfer.prior_location.ward) == ("BURNS", "5A")
    discharge = parse_message(corpus("a03_discharge_home.hl7")).visit
    assert discharge.discharge_disposition == "1"
    assert discharge.discharged_at == datetime(
        2025, 3, 20, 14, 30, tzinfo=SYDNEY_SUMMER
    )


def test_a_merge_carries_the_prior_identifiers_from_mrg_1():
    merge = parse_message(corpus("a40_merge_wch.hl7"))
    assert [i.value for i in merge.prior_identifiers] == ["W100777", "W100778"]
    assert merge.visit is None


def test_a_second_legal_name_is_kept_and_the_legal_one_is_the_name():
    patient = parse_message(corpus("a08_name_change.hl7")).patient
    assert [n.type_code for n in patient.names] == ["L", "M"]
    assert patient.name.family == "Tane-Walker"


@pytest.mark.parametrize(
    ("name", "refusal", "field"),
    [
        ("bad_no_msh.hl7", MessageRejected, "MSH"),
        ("bad_unknown_charset.hl7", MessageRejected, "MSH-18"),
        ("bad_version_26.hl7", MessageRejected, "MSH-12"),
        ("bad_message_type_oru.hl7", MessageRejected, "MSH-9"),
        ("bad_missing_control_id.hl7", FieldError, "MSH-10"),
        ("bad_death_indicator.hl7", FieldError, "PID-30"),
        ("bad_missing_pid.hl7", Hl7Error, "PID"),
    ],
)
def test_what_cannot_be_taken_is_refused_naming_where(name, refusal, field):
    with pytest.raises(refusal) as refused:
        parse_message(corpus(name))
    assert refused.value.field_name == field
