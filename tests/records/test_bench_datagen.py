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
