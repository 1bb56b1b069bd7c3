"""The benchmarks' data generator makes rows the product itself accepts and reads.

It writes with raw SQL, so a new NOT NULL column or a tightened constraint would
otherwise first show up as a failed `make bench`: this runs it small, in CI's
PostgreSQL pass.
"""

import pytest
from django.db import connection

from bench import datagen
from imaging.models import ClinicalImage
from imaging.selectors import images_visible_to
from records.models import Patient

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_generated_images_are_valid_and_in_the_nurses_gallery() -> None:
    assert connection.vendor == "postgresql", "needs DATABASE_URL (PostgreSQL)"

    dataset = datagen.generate(patients=40, images=200)

    assert dataset.images == 200
    images = list(ClinicalImage.objects.filter(storage_name__startswith="bench/"))
    for image in images[:25]:
        image.full_clean()
    assert {image.body_site_code for image in images} >= {"14975008", "26947005"}
    assert any(image.is_sensitive for image in images)
    visible = images_visible_to(dataset.nurse).filter(patient=dataset.heavy_patient)
    assert visible.count() == 200


def test_a_second_run_reports_the_time_measured_when_the_rows_were_made() -> None:
    made = datagen.generate(patients=40, images=200)

    found = datagen.generate(patients=40, images=200)

    assert made.made_now
    assert made.made_seconds is not None
    assert made.made_seconds > 0
    assert not found.made_now
    assert found.made_seconds == made.made_seconds
    assert found.made_at == made.made_at


def test_asking_for_more_patients_than_are_there_is_refused_and_adds_none() -> None:
    datagen.generate(patients=40, images=200)

    with pytest.raises(RuntimeError, match="has 40 bench patients, 80 were asked"):
        datagen.generate(patients=80, images=200)

    assert Patient.objects.filter(mrn__startswith=datagen.MRN_PREFIX).count() == 40
    assert (
        ClinicalImage.objects.filter(storage_name__startswith="bench/").count() == 200
    )
