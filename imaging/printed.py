"""Whether an image has a printed copy filed in a paper record.

A seam for the disposal register: hard copies (issue 7) replace the body with a lookup of
filed copies. Until then no image has one, and the register says so.
"""

from imaging.models import ClinicalImage


def printed_copy_exists(image: ClinicalImage) -> bool:
    """True if a printed copy of the image was filed in the patient's paper record."""
    return False
