"""What the bundle says of an image already disposed of.

The disposal register (records.DisposalRecord) is being built in issue 6. Until it lands
the bundle lists a disposed image with what its own row still holds; this function is the
one place to look the register entry up once it exists.
"""

from imaging.models import ClinicalImage


def disposal_entry(image: ClinicalImage) -> str:
    """A one-line description of the image's disposal, for the metadata and load file."""
    when = image.disposed_at.isoformat() if image.disposed_at else "date unknown"
    return (
        f"Disposed {when} under the retention schedule "
        f"({image.retention_basis or 'rule not recorded'}); original destroyed."
    )
