"""What hard copies add to the apps before them; registered in HardcopyConfig.ready()."""

from django.contrib.auth.models import User
from django.urls import reverse

from accounts.roles import Role
from common.queue import enqueue
from hardcopy import moves, retention, storage_checks
from hardcopy.selectors import hard_copies_to_retrieve, may_print, overdue_hard_copies
from imaging import hooks
from imaging.models import ClinicalImage
from records import hooks as record_hooks


def _queue_paper_copy(image: ClinicalImage) -> None:
    # Paper-record facilities get a print of every new image (the task checks which).
    enqueue("hardcopy.tasks.queue_paper_copy", image.pk)


def _correct_copies(moved: hooks.MovedImage) -> None:
    moves.correct_hard_copies(
        moved.image,
        wrong_patient=moved.wrong_patient,
        actor=moved.actor,
        request=moved.request,
    )


def _destroy_with_image(image: ClinicalImage) -> None:
    retention.destroy_pending_hard_copies(image)


def _paper_work(user: User, roles: list[Role]) -> list[record_hooks.Duty]:
    if not may_print(user):
        return []
    return [
        record_hooks.Duty(
            hard_copies_to_retrieve(user).count(),
            "printed copy to take out of a paper record",
            "printed copies to take out of a paper record",
            reverse("hardcopies:index"),
        ),
        record_hooks.Duty(
            overdue_hard_copies(user).count(),
            "hard copy not filed in time",
            "hard copies not filed in time",
            reverse("hardcopies:overdue"),
        ),
    ]


def register() -> None:
    storage_checks.register()
    record_hooks.waiting_duties.register(_paper_work)
    hooks.image_captured.register(_queue_paper_copy)
    hooks.image_moved.register(_correct_copies)
    hooks.paper_copies_exist.register(retention.printed_copy_exists)
    hooks.image_disposing.register(_destroy_with_image)
    hooks.keys_shown_with.register(retention.own_key_copies_of)
