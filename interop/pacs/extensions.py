"""What the pacs part of interop registers with earlier apps, in InteropConfig.ready()."""

from imaging import hooks
from imaging.models import ClinicalImage
from interop.pacs import selectors, services

SENDS_TEMPLATE = "interop/pacs/_image_sends.html"


def _send_new_image(image: ClinicalImage) -> None:
    # In the capture's transaction: the sends and their audit events commit with it,
    # and the tasks are enqueued on commit.
    services.queue_automatic_sends(image)


def _correct_moved_image(moved: hooks.MovedImage) -> None:
    services.correct_moved_image(
        moved.image, wrong_patient=moved.wrong_patient, actor=moved.actor
    )


def _withdraw_disposed_image(image: ClinicalImage) -> None:
    services.withdraw_disposed_image(image)


def _sends_section(
    image: ClinicalImage, user: hooks.AnyUser
) -> hooks.PageSection | None:
    # The page's caller has resolved the image through the access rule already.
    sends = list(selectors.sends_of(image))
    if not sends:
        return None
    return hooks.PageSection(SENDS_TEMPLATE, {"sends": sends})


def register() -> None:
    # interop's admin.py is shared by its parts: each registers its own models.
    from interop.pacs import admin  # noqa: F401

    hooks.image_captured.register(_send_new_image)
    hooks.image_moved.register(_correct_moved_image)
    hooks.image_disposing.register(_withdraw_disposed_image)
    hooks.image_page_sections.register(_sends_section)
