"""The HL7 v2 ADT corpus: writes one .hl7 file per message, and README.md listing them.

Run `python -m tests.data.hl7.build_corpus` from the project root after changing a message;
tests/interop/test_corpus.py checks the files still match. Messages are shaped like
Australian PAS feeds (iPM, webPAS, Cerner): sending application IPM, facilities RHH (Royal
Harbour Hospital, NSW, +1100 in March) and WCH (Wattle Creek, WA, +0800). Identifiers are
made up but pass their check digits; every person is fictional.
"""

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Sample:
    name: str
    about: str
    segments: tuple[str, ...]
    charset: str = "ascii"
    separator: str = "\r"
    # "" parses cleanly; else the ACK code and the field its ERR names, e.g. "AE PID-7".
    expect: str = ""

    @property
    def data(self) -> bytes:
        return (self.separator.join(self.segments) + self.separator).encode(
            self.charset
        )


def luhn_complete(stem: str) -> str:
    """The stem with the Luhn check digit that makes it valid."""
    for digit in "0123456789":
        candidate = stem + digit
        total = 0
        for position, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if position % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError(stem)


def medicare(stem8: str, issue: str = "1", irn: str = "") -> str:
    weights = (1, 3, 7, 9, 1, 3, 7, 9)
    check = sum(int(d) * w for d, w in zip(stem8, weights, strict=True)) % 10
    return f"{stem8}{check}{issue}{irn}"


def seg(name: str, fields: dict[int, str]) -> str:
    """A segment from its numbered fields, so no field lands one place off."""
    values = [""] * max(fields)
    for number, text in fields.items():
        values[number - 1] = text
    return "|".join([name, *values])


def msh(
    event: str,
    control: str,
    *,
    facility: str = "RHH",
    at: str = "20250314093015+1100",
    version: str = "2.4",
    charset: str = "",
    message_type: str = "",
) -> str:
    structure = {"A04": "ADT_A01", "A08": "ADT_A01", "A13": "ADT_A01"}.get(event)
    structure = structure or {"A28": "ADT_A05", "A31": "ADT_A05", "A40": "ADT_A39"}.get(
        event, f"ADT_{event}"
    )
    fields = {
        2: "^~\\&",
        3: "IPM",
        4: facility,
        5: "CUSTODIAN",
        6: facility,
        7: at,
        9: message_type or f"ADT^{event}^{structure}",
        10: control,
        11: "P",
        12: version,
        15: "AL",
        16: "NE",
        17: "AUS",
        18: charset,
    }
    # MSH-1 is the field separator itself, so MSH-n is the (n-1)th field after "MSH".
    return seg("MSH", {number - 1: text for number, text in fields.items()}).rstrip("|")


def evn(event: str, at: str = "20250314093000+1100") -> str:
    return seg("EVN", {1: event, 2: at, 5: "jsmith^Smith^Jo^^^^^^RHH"})


IHI_JANE = luhn_complete("800360816669050")
IHI_ZOE = luhn_complete("800360990000011")
IHI_TOM = luhn_complete("800360990000142")
IHI_ARJUN = luhn_complete("800360990000233")
IHI_MERE = luhn_complete("800360990000324")
MC_JANE = medicare("29501234", "1", "2")
MC_ZOE = medicare("42931876", "2", "1")
MC_TOM = medicare("61234509", "1")


def pid(
    mrn: str,
    name: str,
    dob: str,
    sex: str,
    *,
    facility: str = "RHH",
    ihi: str = "",
    medicare_number: str = "",
    extra: dict[int, str] | None = None,
) -> str:
    ids = [f"{mrn}^^^{facility}^MR"]
    if ihi:
        ids.append(f"{ihi}^^^AUSHIC^NI")
    if medicare_number:
        ids.append(f"{medicare_number}^^^AUSHIC^MC")
    fields = {
        1: "1",
        3: "~".join(ids),
        5: name,
        7: dob,
        8: sex,
        11: "12 Harbour St^^Port Clare^NSW^2444^AUS^H",
        13: "^PRN^PH^^^02^65551234",
        15: "ENG",
        16: "M",
    }
    fields.update(extra or {})
    return seg("PID", fields)


def pv1(
    patient_class: str,
    ward: str,
    *,
    facility: str = "RHH",
    visit: str = "V0001",
    extra: dict[int, str] | None = None,
) -> str:
    fields = {
        1: "1",
        2: patient_class,
        3: f"{ward}^01^A^{facility}" if ward else "",
        4: "EM",
        7: "0412345A^Nguyen^Linh^^^Dr",
        10: "MED",
        18: "PUB",
        19: f"{visit}^^^{facility}^VN",
        44: "20250314090000+1100",
    }
    fields.update(extra or {})
    return seg("PV1", fields)


JANE = pid(
    "0412345",
    "Citizen^Jane^Anne^^Ms^^L",
    "19800101",
    "F",
    ihi=IHI_JANE,
    medicare_number=MC_JANE,
)
WA = {"facility": "WCH"}
WA_AT = "20250314063015+0800"
WCH_PID_EXTRA = {11: "4 Banksia Rd^^Wattle Creek^WA^6330^AUS^H"}


def _admissions() -> list[Sample]:
    return [
        Sample(
            "a01_admit_5a_mrn_ihi_medicare.hl7",
            "A01 to ward 5A; PID-3 repeats MRN, IHI (NI/AUSHIC) and Medicare (MC/AUSHIC)",
            (msh("A01", "RHH000101"), evn("A01"), JANE, pv1("I", "5A", visit="V1001")),
        ),
        Sample(
            "a01_admit_burns.hl7",
            "A01 to the BURNS unit, attending doctor and admit source",
            (
                msh("A01", "RHH000102"),
                evn("A01"),
                pid("0420001", "Walker^Tom^^^Mr^^L", "19671122", "M", ihi=IHI_TOM),
                pv1("I", "BURNS", visit="V1002"),
            ),
        ),
        Sample(
            "a01_admit_child.hl7",
            "A01 of a child to CHILD; DOB day precision",
            (
                msh("A01", "RHH000103"),
                evn("A01"),
                pid("0420002", "Patel^Arjun^^^^^L", "20190607", "M", ihi=IHI_ARJUN),
                pv1("I", "CHILD", visit="V1003"),
            ),
        ),
        Sample(
            "a01_admit_maternity.hl7",
            "A01 to MAT (maternity)",
            (
                msh("A01", "RHH000104"),
                evn("A01"),
                pid("0420003", "Tane^Mere^^^Mrs^^L", "19930214", "F", ihi=IHI_MERE),
                pv1("I", "MAT", visit="V1004"),
            ),
        ),
        Sample(
            "a01_newborn_birth_time.hl7",
            "A01 of a newborn in MAT: PID-7 to the minute, no IHI yet",
            (
                msh("A01", "RHH000105"),
                evn("A01"),
                pid("0420004", "Tane^Baby Of Mere^^^^^L", "202503140412+1100", "F"),
                pv1("I", "MAT", visit="V1005", extra={4: "NB"}),
            ),
        ),
        Sample(
            "a01_v23_event_in_evn.hl7",
            "v2.3 A01 with MSH-9 'ADT' only: the event comes from EVN-1",
            (
                msh("A01", "RHH000106", version="2.3", message_type="ADT"),
                evn("A01"),
                pid("0420005", "Brown^Alice^^^^^L", "19550430", "F"),
                pv1("I", "5A", visit="V1006"),
            ),
        ),
        Sample(
            "a01_v251.hl7",
            "v2.5.1 A01 with message structure ADT_A01",
            (
                msh("A01", "RHH000107", version="2.5.1"),
                evn("A01"),
                pid("0420006", "Lee^Grace^^^^^L", "19881009", "F"),
                pv1("I", "5A", visit="V1007"),
            ),
        ),
        Sample(
            "a01_8859_1_zoe_ni_bhriain.hl7",
            "A01, MSH-18 8859/1, name 'Zoë Ní Bhriain' in Latin-1 bytes",
            (
                msh("A01", "RHH000108", charset="8859/1"),
                evn("A01"),
                pid(
                    "0420007",
                    "Ní Bhriain^Zoë^^^Ms^^L",
                    "19910817",
                    "F",
                    ihi=IHI_ZOE,
                    medicare_number=MC_ZOE,
                ),
                pv1("I", "5A", visit="V1008"),
            ),
            charset="latin-1",
        ),
        Sample(
            "a01_8859_1_wch_muller.hl7",
            "A01 at WCH (+0800), MSH-18 8859/1, name 'Jürgen Müller'",
            (
                msh("A01", "WCH000201", charset="8859/1", at=WA_AT, **WA),
                evn("A01", "20250314063000+0800"),
                pid(
                    "W100201",
                    "Müller^Jürgen^^^Mr^^L",
                    "19720305",
                    "M",
                    extra=WCH_PID_EXTRA,
                    **WA,
                ),
                pv1("I", "5A", visit="W2001", extra={44: "20250314060000+0800"}, **WA),
            ),
            charset="latin-1",
        ),
        Sample(
            "a01_utf8_vietnamese_name.hl7",
            "A01, MSH-18 UNICODE UTF-8, name 'Nguyễn Thị Hồng'",
            (
                msh("A01", "RHH000109", charset="UNICODE UTF-8"),
                evn("A01"),
                pid("0420008", "Nguyễn^Thị Hồng^^^^^L", "19600101", "F"),
                pv1("I", "5A", visit="V1009"),
            ),
            charset="utf-8",
        ),
        Sample(
            "a01_z_segments.hl7",
            "A01 with site Z-segments (ZPI, ZPV) between and after standard ones: ignored",
            (
                msh("A01", "RHH000110"),
                evn("A01"),
                pid("0420009", "Kelly^Ned^^^^^L", "19700101", "M"),
                "ZPI|1|LANG^Interpreter required^L|Y",
                pv1("I", "5A", visit="V1010"),
                "ZPV|1|PRIVATE|Room request",
            ),
        ),
        Sample(
            "a01_trailing_empty_fields.hl7",
            "A01 whose segments end in runs of empty fields and empty components",
            (
                msh("A01", "RHH000111") + "||||",
                evn("A01") + "|||",
                pid("0420010", "Ryan^Kate^^^^^L", "19850505", "F") + "^^|||||",
                pv1("I", "5A", visit="V1011") + "||||||",
            ),
        ),
        Sample(
            "a01_crlf_segment_separators.hl7",
            "A01 with CR LF between segments (a replayed file): read as CR",
            (
                msh("A01", "RHH000112"),
                evn("A01"),
                pid("0420011", "Singh^Harpreet^^^^^L", "19770303", "M"),
                pv1("I", "5A", visit="V1012"),
            ),
            separator="\r\n",
        ),
        Sample(
            "a01_lf_segment_separators.hl7",
            "A01 with LF between segments (hand-edited): read as CR",
            (
                msh("A01", "RHH000113"),
                evn("A01"),
                pid("0420012", "Wilson^Mia^^^^^L", "19990909", "F"),
                pv1("I", "5A", visit="V1013"),
            ),
            separator="\n",
        ),
        Sample(
            "a01_other_encoding_characters.hl7",
            "A01 declaring field separator '*' and encoding characters '^~\\&'",
            tuple(
                line.replace("|", "*")
                for line in (
                    msh("A01", "RHH000114"),
                    evn("A01"),
                    pid("0420013", "Taylor^Sam^^^^^L", "19810101", "U"),
                    pv1("I", "5A", visit="V1014"),
                )
            ),
        ),
        Sample(
            "a01_year_only_dob.hl7",
            "A01 with PID-7 '1947' (year precision: exact date unknown)",
            (
                msh("A01", "RHH000115"),
                evn("A01"),
                pid("0420014", "Haddad^Omar^^^^^L", "1947", "M"),
                pv1("I", "5A", visit="V1015"),
            ),
        ),
        Sample(
            "a01_mrn_without_authority.hl7",
            "A01 whose MR repetition has an empty CX.4: the facility's MRN by default",
            (
                msh("A01", "RHH000116"),
                evn("A01"),
                seg(
                    "PID",
                    {
                        1: "1",
                        3: "0420015^^^^MR",
                        5: "Ross^Ava^^^^^L",
                        7: "20000101",
                        8: "F",
                    },
                ),
                pv1("I", "5A", visit="V1016"),
            ),
        ),
        Sample(
            "a01_other_facility_mrn_first.hl7",
            "A01 at RHH whose PID-3 lists the WCH MRN before the RHH one",
            (
                msh("A01", "RHH000117"),
                evn("A01"),
                seg(
                    "PID",
                    {
                        1: "1",
                        3: f"W100999^^^WCH^MR~0420016^^^RHH^MR~{MC_TOM}^^^AUSHIC^MC",
                        5: "Clarke^Liam^^^^^L",
                        7: "19900202",
                        8: "M",
                    },
                ),
                pv1("I", "5A", visit="V1017"),
            ),
        ),
        Sample(
            "a01_times_without_offset.hl7",
            "A01 whose MSH-7, EVN-2 and PV1-44 carry no offset: the facility's local time",
            (
                msh("A01", "RHH000118", at="20250314093015"),
                evn("A01", "20250314093000"),
                pid("0420017", "Young^Ella^^^^^L", "19820707", "F"),
                pv1("I", "5A", visit="V1018", extra={44: "202503140900"}),
            ),
        ),
        Sample(
            "a01_fractional_seconds.hl7",
            "A01 with MSH-7 '20250314093015.1234+1100' (fractions of a second)",
            (
                msh("A01", "RHH000119", at="20250314093015.1234+1100"),
                evn("A01"),
                pid("0420018", "King^Noah^^^^^L", "19950312", "M"),
                pv1("I", "5A", visit="V1019"),
            ),
        ),
    ]


def _movements() -> list[Sample]:
    deceased = {29: "202503140815+1100", 30: "Y"}
    return [
        Sample(
            "a04_register_outpatient.hl7",
            "A04 registration of an outpatient (PV1-2 O) in the OPD clinic",
            (msh("A04", "RHH000201"), evn("A04"), JANE, pv1("O", "OPD", visit="V2001")),
        ),
        Sample(
            "a04_emergency.hl7",
            "A04 emergency presentation (PV1-2 E) in ED",
            (
                msh("A04", "RHH000202"),
                evn("A04"),
                pid("0420019", "Murphy^Jack^^^^^L", "19880808", "M"),
                pv1("E", "ED", visit="V2002"),
            ),
        ),
        Sample(
            "a02_transfer_5a_to_burns.hl7",
            "A02 transfer: PV1-3 BURNS, prior location PV1-6 5A",
            (
                msh("A02", "RHH000203"),
                evn("A02"),
                JANE,
                pv1("I", "BURNS", visit="V1001", extra={6: "5A^01^A^RHH"}),
            ),
        ),
        Sample(
            "a02_transfer_wch_child.hl7",
            "A02 transfer at WCH from 5A to CHILD",
            (
                msh("A02", "WCH000202", at=WA_AT, **WA),
                evn("A02", "20250314063000+0800"),
                pid(
                    "W100202",
                    "Bell^Oscar^^^^^L",
                    "20150101",
                    "M",
                    extra=WCH_PID_EXTRA,
                    **WA,
                ),
                pv1("I", "CHILD", visit="W2002", extra={6: "5A^02^B^WCH"}, **WA),
            ),
        ),
        Sample(
            "a03_discharge_home.hl7",
            "A03 discharge: PV1-36 disposition, PV1-45 discharge time",
            (
                msh("A03", "RHH000204"),
                evn("A03"),
                JANE,
                pv1(
                    "I", "5A", visit="V1001", extra={36: "1", 45: "20250320143000+1100"}
                ),
            ),
        ),
        Sample(
            "a03_discharge_deceased.hl7",
            "A03 on death: PID-29 death time, PID-30 Y, PV1-36 disposition",
            (
                msh("A03", "RHH000205"),
                evn("A03"),
                pid("0420001", "Walker^Tom^^^Mr^^L", "19671122", "M", extra=deceased),
                pv1(
                    "I",
                    "BURNS",
                    visit="V1002",
                    extra={36: "8", 45: "202503140830+1100"},
                ),
            ),
        ),
        Sample(
            "a08_update_address.hl7",
            "A08 demographics update (new address)",
            (
                msh("A08", "RHH000206"),
                evn("A08"),
                pid(
                    "0412345",
                    "Citizen^Jane^Anne^^Ms^^L",
                    "19800101",
                    "F",
                    ihi=IHI_JANE,
                    extra={11: "7 Ocean Pde^^Port Clare^NSW^2444^AUS^H"},
                ),
                pv1("I", "5A", visit="V1001"),
            ),
        ),
        Sample(
            "a08_escape_sequences.hl7",
            "A08 whose values carry escapes: \\F\\ \\S\\ \\T\\ \\R\\ \\E\\ in name and address",
            (
                msh("A08", "RHH000207"),
                evn("A08"),
                pid(
                    "0420020",
                    "O'Brien\\F\\Smith^Mary\\S\\Jo^^^^^L",
                    "19750606",
                    "F",
                    extra={
                        11: "Unit 3 \\T\\ 4\\R\\5 Main St\\E\\^^Port Clare^NSW^2444"
                    },
                ),
                pv1("I", "5A", visit="V2007"),
            ),
        ),
        Sample(
            "a08_name_change.hl7",
            "A08 with two PID-5 repetitions: the legal name (L) and the maiden name (M)",
            (
                msh("A08", "RHH000208"),
                evn("A08"),
                pid(
                    "0420003",
                    "Tane-Walker^Mere^^^Mrs^^L~Tane^Mere^^^^^M",
                    "19930214",
                    "F",
                    ihi=IHI_MERE,
                ),
                pv1("I", "MAT", visit="V1004"),
            ),
        ),
        Sample(
            "a08_death_recorded.hl7",
            "A08 recording a death after discharge: PID-29 day precision, PID-30 Y",
            (
                msh("A08", "RHH000209"),
                evn("A08"),
                pid(
                    "0420005",
                    "Brown^Alice^^^^^L",
                    "19550430",
                    "F",
                    extra={29: "20250301", 30: "Y"},
                ),
                pv1("O", "", visit="V1006"),
            ),
        ),
        Sample(
            "a08_wch_perth_offset.hl7",
            "A08 from WCH with +0800 times throughout, MSH-18 8859/1",
            (
                msh("A08", "WCH000203", at=WA_AT, charset="8859/1", **WA),
                evn("A08", "20250314062900+0800"),
                pid(
                    "W100201",
                    "Müller^Jürgen^^^Mr^^L",
                    "19720305",
                    "M",
                    extra=WCH_PID_EXTRA,
                    **WA,
                ),
                pv1("I", "5A", visit="W2001", extra={44: "20250314060000+0800"}, **WA),
            ),
            charset="latin-1",
        ),
        Sample(
            "a28_add_person.hl7",
            "A28 add person information: PV1-2 N (no visit)",
            (
                msh("A28", "RHH000210"),
                evn("A28"),
                pid(
                    "0420021",
                    "Scott^Ruby^^^^^L",
                    "20010101",
                    "F",
                    medicare_number=MC_TOM,
                ),
                seg("PV1", {1: "1", 2: "N"}),
            ),
        ),
        Sample(
            "a31_update_person.hl7",
            "A31 update person information, no PV1 at all",
            (
                msh("A31", "RHH000211"),
                evn("A31"),
                pid("0420021", "Scott^Ruby^Jane^^^^L", "20010101", "F"),
            ),
        ),
        Sample(
            "a11_cancel_admit.hl7",
            "A11 cancel admit",
            (
                msh("A11", "RHH000212"),
                evn("A11"),
                pid("0420002", "Patel^Arjun^^^^^L", "20190607", "M"),
                pv1("I", "CHILD", visit="V1003"),
            ),
        ),
        Sample(
            "a12_cancel_transfer.hl7",
            "A12 cancel transfer: back to 5A from BURNS",
            (
                msh("A12", "RHH000213"),
                evn("A12"),
                JANE,
                pv1("I", "5A", visit="V1001", extra={6: "BURNS^01^A^RHH"}),
            ),
        ),
        Sample(
            "a13_cancel_discharge.hl7",
            "A13 cancel discharge",
            (msh("A13", "RHH000214"), evn("A13"), JANE, pv1("I", "5A", visit="V1001")),
        ),
        Sample(
            "a40_merge.hl7",
            "A40 merge: survivor in PID, prior MRN in MRG-1",
            (
                msh("A40", "RHH000215"),
                evn("A40"),
                JANE,
                seg("MRG", {1: "0499999^^^RHH^MR", 5: "V0999^^^RHH^VN"}),
            ),
        ),
        Sample(
            "a40_merge_wch.hl7",
            "A40 merge at WCH, MRG-1 with two prior identifiers",
            (
                msh("A40", "WCH000204", at=WA_AT, **WA),
                evn("A40", "20250314063000+0800"),
                pid("W100201", "Muller^Jurgen^^^Mr^^L", "19720305", "M", **WA),
                seg("MRG", {1: "W100777^^^WCH^MR~W100778^^^WCH^MR"}),
            ),
        ),
        Sample(
            "a05_preadmit.hl7",
            "A05 pre-admit: parses; an event the feed journals but does not apply",
            (
                msh("A05", "RHH000216"),
                evn("A05"),
                pid("0420022", "Hughes^Leo^^^^^L", "19660606", "M"),
                pv1("P", "5A", visit="V2016"),
            ),
        ),
        Sample(
            "a01_medicare_irn.hl7",
            "A01 with an 11-digit Medicare number (card number and IRN)",
            (
                msh("A01", "RHH000217"),
                evn("A01"),
                pid(
                    "0420023",
                    "Evans^Zara^^^^^L",
                    "19970719",
                    "F",
                    medicare_number=MC_ZOE,
                ),
                pv1("I", "5A", visit="V2017"),
            ),
        ),
    ]


def _malformed() -> list[Sample]:
    def admit(control: str, patient: str, **header: str) -> tuple[str, ...]:
        return (msh("A01", control, **header), evn("A01"), patient, pv1("I", "5A"))

    plain = pid("0420030", "Green^Ivy^^^^^L", "19800101", "F")
    return [
        Sample(
            "bad_no_msh.hl7",
            "a frame starting with PID: no MSH segment",
            (plain, pv1("I", "5A")),
            expect="AR MSH",
        ),
        Sample(
            "bad_not_hl7.hl7",
            "plain text, not HL7 at all",
            ("Hello, is this the ward clerk?",),
            expect="AR MSH",
        ),
        Sample(
            "bad_invalid_dob.hl7",
            "PID-7 '19801332' (no 32nd day of month 13)",
            admit("RHH000901", pid("0420031", "Grey^Max^^^^^L", "19801332", "M")),
            expect="AE PID-7",
        ),
        Sample(
            "bad_invalid_admit_time.hl7",
            "PV1-44 '2025-03-14 09:00' (ISO, not HL7)",
            (
                msh("A01", "RHH000902"),
                evn("A01"),
                plain,
                pv1("I", "5A", extra={44: "2025-03-14 09:00"}),
            ),
            expect="AE PV1-44",
        ),
        Sample(
            "bad_invalid_death_time.hl7",
            "PID-29 '20250230' (30 February)",
            admit(
                "RHH000903",
                pid(
                    "0420032",
                    "Hall^Ian^^^^^L",
                    "19400101",
                    "M",
                    extra={29: "20250230", 30: "Y"},
                ),
            ),
            expect="AE PID-29",
        ),
        Sample(
            "bad_death_indicator.hl7",
            "PID-30 'X' (table 0136 has Y and N)",
            admit(
                "RHH000904",
                pid("0420033", "Ward^Amy^^^^^L", "19500101", "F", extra={30: "X"}),
            ),
            expect="AE PID-30",
        ),
        Sample(
            "bad_latin1_without_msh18.hl7",
            "Latin-1 bytes ('Zoë') with MSH-18 blank, so ASCII: undecodable",
            admit("RHH000905", pid("0420034", "Ní Bhriain^Zoë^^^^^L", "19910817", "F")),
            charset="latin-1",
            expect="AE PID-5",
        ),
        Sample(
            "bad_utf8_declared_latin1_sent.hl7",
            "MSH-18 UNICODE UTF-8 but the name is in Latin-1 bytes",
            admit(
                "RHH000906",
                pid("0420035", "Müller^Anna^^^^^L", "19800101", "F"),
                charset="UNICODE UTF-8",
            ),
            charset="latin-1",
            expect="AE PID-5",
        ),
        Sample(
            "bad_unknown_charset.hl7",
            "MSH-18 'ISO IR87' (Japanese): not a character set this feed reads",
            admit("RHH000907", plain, charset="ISO IR87"),
            expect="AR MSH-18",
        ),
        Sample(
            "bad_version_26.hl7",
            "MSH-12 '2.6': outside 2.3 to 2.5.1",
            admit("RHH000908", plain, version="2.6"),
            expect="AR MSH-12",
        ),
        Sample(
            "bad_message_type_oru.hl7",
            "an ORU^R01 result sent to the ADT feed",
            admit("RHH000909", plain, message_type="ORU^R01^ORU_R01"),
            expect="AR MSH-9",
        ),
        Sample(
            "bad_missing_control_id.hl7",
            "MSH-10 empty",
            admit("", plain),
            expect="AE MSH-10",
        ),
        Sample(
            "bad_encoding_characters.hl7",
            "MSH-2 '^~' (two encoding characters, not four)",
            tuple(
                line.replace("MSH|^~\\&|", "MSH|^~|")
                for line in admit("RHH000910", plain)
            ),
            expect="AR MSH-2",
        ),
        Sample(
            "bad_missing_pid.hl7",
            "A01 with no PID segment",
            (msh("A01", "RHH000911"), evn("A01"), pv1("I", "5A")),
            expect="AE PID",
        ),
        Sample(
            "bad_two_merges.hl7",
            "A40 with two PID/MRG pairs: one merge per message is all that is taken",
            (
                msh("A40", "RHH000912"),
                evn("A40"),
                JANE,
                seg("MRG", {1: "0499999^^^RHH^MR"}),
                pid("0420036", "Fox^Eli^^^^^L", "19700101", "M"),
                seg("MRG", {1: "0499998^^^RHH^MR"}),
            ),
            expect="AE PID",
        ),
        Sample(
            "bad_ihi_check_digit.hl7",
            "A01 whose IHI (NI/AUSHIC) fails the Luhn check: parses, checked_ihi refuses",
            admit(
                "RHH000913",
                pid(
                    "0420037",
                    "Stone^Kai^^^^^L",
                    "19800101",
                    "M",
                    ihi="8003608166690504",
                ),
            ),
            expect="AE PID-3",
        ),
    ]


SAMPLES = _admissions() + _movements() + _malformed()


def readme() -> str:
    lines = [
        "# HL7 v2 ADT corpus",
        "",
        "Written by `python -m tests.data.hl7.build_corpus` (exact bytes: segments end in",
        "`\\r` unless the file says otherwise; some are ISO 8859-1 with MSH-18 `8859/1`).",
        "Facilities RHH (Royal Harbour Hospital, NSW) and WCH (Wattle Creek, WA); sending",
        "application IPM. People and identifiers are fictional; identifiers pass their",
        "check digits unless the file says not. `tests/interop/test_corpus.py` parses every",
        "file: the `bad_` ones must be answered as the last column says.",
        "",
        "| File | Exercises | Expected |",
        "| --- | --- | --- |",
    ]
    for sample in SAMPLES:
        about = sample.about.replace("|", "\\|")
        lines.append(f"| `{sample.name}` | {about} | {sample.expect or 'parses'} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    for stale in HERE.glob("*.hl7"):
        stale.unlink()
    for sample in SAMPLES:
        (HERE / sample.name).write_bytes(sample.data)
    (HERE / "README.md").write_text(readme(), encoding="utf-8")


if __name__ == "__main__":
    main()
