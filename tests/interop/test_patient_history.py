"""The patient page shows the encounters and the wards of each, as the ADT feed made them."""

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from interop.feed.services import handle
from interop.hl7 import MllpServer
from records.models import Patient
from tests.conftest import staff_on
from tests.interop.feedkit import code_of, exchange_files, harbour, ward

pytestmark = pytest.mark.django_db(transaction=True)


def _rows(page: str) -> list[str]:
    """The history table's body rows as text, tags and blank space squeezed out."""
    table = page.split('id="encounters-h"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_the_patient_page_lists_the_wards_of_an_encounter_in_order(
    listener: Callable[..., MllpServer], client: Client
) -> None:
    harbour()
    feed = listener(handle)
    acks = exchange_files(
        feed, "a01_admit_5a_mrn_ihi_medicare.hl7", "a02_transfer_5a_to_burns.hl7"
    )
    assert [code_of(a) for a in acks] == ["AA", "AA"]
    jane = Patient.objects.get(facility__code="RHH", mrn="0412345")
    client.force_login(staff_on(ward("BURNS"), username="burns.nurse"))

    page = client.get(f"/patients/{jane.public_id}/")

    assert page.status_code == 200
    rows = _rows(page.content.decode())
    assert len(rows) == 2
    left, now = rows
    # The ward left on the transfer first, with the visit number, then the ward she is on.
    assert left.startswith("V1001 Ward 5A (5A) 14/03/2025")
    assert left.endswith("(transferred)")
    assert now.startswith("Ward BURNS (BURNS) 14/03/2025")
    assert now.endswith("still here")


def test_an_encounter_keyed_in_by_hand_shows_its_one_ward(
    client: Client, nurse: User, patient: Patient
) -> None:
    client.force_login(nurse)
    page = client.get(f"/patients/{patient.public_id}/")

    assert page.status_code == 200
    encounter = patient.encounters.get()
    (row,) = _rows(page.content.decode())
    assert row.startswith(f"— {encounter.ward.name} ({encounter.ward.code})")
    assert row.endswith("still here")
