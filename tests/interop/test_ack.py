"""The ACKs themselves, read back with python-hl7 as a sender's engine would."""

from datetime import UTC, datetime

from interop.hl7 import AckCode, FieldError, build_ack, parse_message, respond
from tests.interop.mllp import ack_of, corpus, field, message

NOW = datetime(2025, 3, 14, 9, 31, tzinfo=UTC)


def test_an_accept_swaps_the_parties_and_quotes_msh_10():
    adt = parse_message(message("C42"))
    raw = build_ack(adt.header, AckCode.ACCEPT, now=NOW)
    ack = ack_of(raw)
    assert field(ack, "MSH", 3) == "CUSTODIAN"
    assert field(ack, "MSH", 4) == "RHH"
    assert field(ack, "MSH", 5) == "IPM"
    assert field(ack, "MSH", 6) == "RHH"
    assert field(ack, "MSH", 7) == "20250314093100+0000"
    assert field(ack, "MSH", 9) == "ACK^A01^ACK"
    assert field(ack, "MSH", 10) not in {"", "C42"}
    assert field(ack, "MSH", 12) == "2.4"
    assert field(ack, "MSA", 1) == "AA"
    assert field(ack, "MSA", 2) == "C42"
    assert b"\rERR" not in raw


def test_an_error_carries_err_in_the_25_style_and_err_1_for_older_senders():
    adt = parse_message(message("C43"))
    problem = FieldError("no such ward", segment="PV1", field=3, component=1)
    ack = ack_of(build_ack(adt.header, AckCode.ERROR, text=problem.text, error=problem))
    assert field(ack, "MSA", 1) == "AE"
    assert field(ack, "ERR", 2) == "PV1^1^3^1^1"
    assert field(ack, "ERR", 3) == "102^Data type error^HL70357"
    assert field(ack, "ERR", 4) == "E"
    assert field(ack, "ERR", 8) == "PV1-3: no such ward"
    assert field(ack, "ERR", 1) == "PV1^1^3^102&Data type error&HL70357"


def test_separators_and_non_ascii_in_texts_are_escaped():
    adt = parse_message(corpus("a01_8859_1_zoe_ni_bhriain.hl7"))
    ack = build_ack(adt.header, AckCode.ACCEPT, text="Zoë|ward^5A")
    assert ack.isascii()
    assert b"|Zo\\Xeb\\\\F\\ward\\S\\5A" in ack
    assert str(ack_of(ack)["MSA.F3"]) == "Zoë|ward^5A"
    assert field(ack_of(ack), "MSH", 18) == "8859/1"


def test_respond_answers_a_problem_found_by_the_application_with_its_ack_code():
    def unknown_ward(adt):
        raise FieldError("ward 9Z is not known", segment="PV1", field=3, code=103)

    ack = ack_of(respond(message("C44"), unknown_ward))
    assert field(ack, "MSA", 1) == "AE"
    assert field(ack, "ERR", 3).startswith("103^Table value not found")


def test_respond_puts_the_applications_text_in_msa_3():
    ack = ack_of(respond(message("C45"), lambda adt: "journaled, not applied"))
    assert (field(ack, "MSA", 1), field(ack, "MSA", 3)) == (
        "AA",
        "journaled, not applied",
    )
