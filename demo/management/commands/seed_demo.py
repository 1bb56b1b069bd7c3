"""python manage.py seed_demo: idempotent demo data for trying Custodian on one machine."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

import demo.records as demo
from demo.images import ensure_images
from demo.retention import ensure_archive_images


class Command(BaseCommand):
    help = "Create demo facilities, users, patients and synthetic images (debug only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Seed even with DJANGO_DEBUG off."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to create demo users with a known password: set DJANGO_DEBUG=1 "
                "or pass --force on a machine that holds no real patient data."
            )
        with transaction.atomic():
            wards = demo.ensure_facilities()
            users = demo.ensure_users(wards)
            patients = demo.ensure_patients(wards)
        images = ensure_images(patients, users)
        images += ensure_archive_images(patients, users["records.manager"])
        self.stdout.write(
            f"Demo data ready: {len(wards)} wards, {len(patients)} patients, {images} images."
        )
        self.stdout.write(f"Sign in as any of these, password {demo.DEMO_PASSWORD!r}:")
        for spec in demo.USERS:
            self.stdout.write(f"  {spec.username:<18} {spec.role}")
