"""A nurse records withdrawn teaching consent and asks for a move; a colleague approves it."""

from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Patient, Ward
from tests.browser.conftest import screenshot, sign_in
from tests.factories import EncounterFactory, PatientFactory, staff_on
from tests.records.browsing import photo


def test_consent_is_withdrawn_and_a_move_is_asked_for_then_approved_by_a_colleague(
    live_server: object,
    browser: Browser,
    page: Page,
    nurse: User,
    patient: Patient,
    ward: Ward,
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    right = PatientFactory(facility=ward.facility, family_name="Right", mrn="500777")
    EncounterFactory(patient=right, ward=ward)
    staff_on(ward, username="colleague")
    image = photo(actor=nurse, patient=patient, body_site="Left forearm")
    ClinicalImage.objects.filter(pk=image.pk).update(consent_for_teaching=True)

    sign_in(page, base, "nurse")
    page.goto(f"{base}/images/{image.public_id}/")
    actions = page.locator("section[aria-labelledby=actions-h]")
    expect(actions).to_contain_text("cannot be withdrawn")
    actions.get_by_label("Teaching").check()
    actions.get_by_label("Note").fill("Patient asked at the dressing change")
    screenshot(page, "consent-withdraw", of=actions)
    actions.get_by_role("button", name="Record withdrawal").click()
    expect(page.get_by_text("Consent withdrawal recorded.")).to_be_visible()
    expect(actions).to_contain_text("Consent last withdrawn")
    image.refresh_from_db()
    assert image.consent_withdrawn_at is not None
    assert not image.consent_for_teaching

    actions.get_by_label("MRN of the right patient").fill("500777")
    actions.get_by_label("What happened").fill("Photographed at the wrong bed")
    screenshot(page, "move-request", of=actions)
    actions.get_by_role("button", name="Request the move").click()
    expect(page.get_by_text("a second person must approve it")).to_be_visible()
    image.refresh_from_db()
    assert image.patient == patient  # nothing moves until a second person agrees

    theirs = browser.new_context(locale="en-AU").new_page()
    sign_in(theirs, base, "colleague")
    theirs.get_by_role("link", name="image on the wrong patient", exact=False).click()
    card = theirs.locator("article.card").first
    expect(card).to_contain_text("Photographed at the wrong bed")
    expect(card.get_by_role("img", name="The image to move")).to_be_visible()
    screenshot(theirs, "move-queue")
    card.get_by_role("button", name="Approve the move").click()
    expect(
        theirs.get_by_text("The image was moved to the right patient.")
    ).to_be_visible()
    theirs.context.close()

    image.refresh_from_db()
    assert image.patient == right
    approved = AuditEvent.objects.filter(
        action="move_approved", object_id=str(image.public_id)
    )
    assert {e.patient_public_id for e in approved} == {
        patient.public_id,
        right.public_id,
    }
