"""Every corpus message is read as its README says, and the files match their generator."""

import pytest

from interop.hl7 import Hl7Error, checked_ihi, parse_message, respond
from tests.data.hl7.build_corpus import SAMPLES, readme
from tests.interop.mllp import CORPUS, ack_of, field

GOOD = [sample for sample in SAMPLES if not sample.expect]
BAD = [sample for sample in SAMPLES if sample.expect]


def test_the_corpus_is_large_enough_and_covers_every_event():
    assert len(SAMPLES) >= 40
    events = {parse_message(s.data).event for s in GOOD}
    assert {
        "A01",
        "A02",
        "A03",
        "A04",
        "A08",
        "A11",
        "A12",
        "A13",
        "A28",
        "A31",
        "A40",
    } <= (events)


def test_the_files_are_the_generators_bytes():
    assert sorted(path.name for path in CORPUS.glob("*.hl7")) == sorted(
        sample.name for sample in SAMPLES
    )
    for sample in SAMPLES:
        assert (CORPUS / sample.name).read_bytes() == sample.data, sample.name
    assert (CORPUS / "README.md").read_text(encoding="utf-8") == readme()


@pytest.mark.parametrize("sample", GOOD, ids=lambda sample: sample.name)
def test_each_good_message_parses_and_is_accepted(sample):
    raw = (CORPUS / sample.name).read_bytes()
    adt = parse_message(raw)
    checked_ihi(adt.patient.identifiers)
    assert adt.patient.identifiers
    assert adt.header.sending_application == "IPM"
    assert adt.header.sending_facility in {"RHH", "WCH"}
    ack = ack_of(respond(raw, lambda message: None))
    assert (field(ack, "MSA", 1), field(ack, "MSA", 2)) == ("AA", adt.control_id)


@pytest.mark.parametrize("sample", BAD, ids=lambda sample: sample.name)
def test_each_bad_message_is_refused_naming_the_field(sample):
    raw = (CORPUS / sample.name).read_bytes()
    code, where = sample.expect.split()
    with pytest.raises(Hl7Error) as refused:
        checked_ihi(parse_message(raw).patient.identifiers)
    assert (refused.value.ack_code, refused.value.field_name) == (code, where)
    ack = ack_of(respond(raw, lambda message: checked_ihi(message.patient.identifiers)))
    assert field(ack, "MSA", 1) == code
    assert field(ack, "ERR", 2).split("^")[0] == where.split("-")[0]
