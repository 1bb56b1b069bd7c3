"""Coded body sites: common sites for clinical photography with SNOMED CT concept ids.

Concept ids are SNOMED CT "body structure" concepts as published in the International
Edition; a deployment should verify them against its national release (SNOMED CT-AU)
before relying on them for analytics. Each site carries where it sits on the front/back
body diagram (x, y in a 100 x 200 box) so the picker can place it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class BodySite:
    code: str
    name: str
    lateral: bool  # whether left/right applies
    front: tuple[int, int] | None  # position on the front diagram, if shown there
    back: tuple[int, int] | None  # position on the back diagram, if shown there
    sensitive: bool = False  # an intimate region: images default to sensitive


SITES: tuple[BodySite, ...] = (
    BodySite("41695006", "Scalp", False, (50, 8), (50, 8)),
    BodySite("89545001", "Face", False, (50, 18), None),
    BodySite("371398005", "Eye region", True, (45, 16), None),
    BodySite("117590005", "Ear", True, (38, 18), (62, 18)),
    BodySite("45206002", "Nose", False, (50, 20), None),
    BodySite("48477009", "Lip", False, (50, 24), None),
    BodySite("45048000", "Neck", False, (50, 30), (50, 30)),
    BodySite("16982005", "Shoulder region", True, (30, 38), (70, 38)),
    BodySite("51185008", "Chest", False, (50, 45), None),
    BodySite("76752008", "Breast", True, (42, 48), None, sensitive=True),
    BodySite("113345001", "Abdomen", False, (50, 62), None),
    BodySite("77568009", "Back", False, None, (50, 52)),
    BodySite("26947005", "Sacral region", False, None, (50, 78)),
    BodySite("46862004", "Buttock", True, None, (44, 86), sensitive=True),
    BodySite("29836001", "Hip region", True, (36, 82), (64, 82)),
    BodySite("263767004", "Genital region", False, (50, 90), None, sensitive=True),
    BodySite("38864007", "Perineum", False, None, (50, 92), sensitive=True),
    BodySite("40983000", "Upper arm", True, (24, 50), (76, 50)),
    BodySite("127949000", "Elbow region", True, (22, 60), (78, 60)),
    BodySite("14975008", "Forearm", True, (20, 70), (80, 70)),
    BodySite("8205005", "Wrist region", True, (18, 80), (82, 80)),
    BodySite("85562004", "Hand", True, (16, 88), (84, 88)),
    BodySite("7569003", "Finger", True, (15, 96), (85, 96)),
    BodySite("68367000", "Thigh", True, (42, 110), (58, 110)),
    BodySite("72696002", "Knee region", True, (42, 130), (58, 130)),
    BodySite("30021000", "Lower leg", True, (42, 150), (58, 150)),
    BodySite("344001", "Ankle region", True, (42, 172), (58, 172)),
    BodySite("56459004", "Foot", True, (42, 185), None),
    BodySite("76853006", "Heel", True, None, (58, 184)),
    BodySite("29707007", "Toe", True, (42, 194), None),
    BodySite("39937001", "Skin (site not listed)", False, None, None),
)

# Codes once offered and since replaced: never offered for new images, but still read,
# so images coded with them keep their words (a record is not rewritten for a list fix).
RETIRED: tuple[BodySite, ...] = (
    # "Structure of genitourinary system": too broad for a photo of the genital region.
    BodySite("21514008", "Genitourinary system", False, None, None, sensitive=True),
)

OFFERED = {site.code: site for site in SITES}
BY_CODE = {**{site.code: site for site in RETIRED}, **OFFERED}
CHOICES = [(site.code, site.name) for site in SITES]

# SNOMED CT laterality qualifiers, for exports (FHIR bodySite.laterality).
# How the photo was taken relative to the body: stored as the value, shown as the words.
VIEWS = (
    ("anterior", "Front (anterior)"),
    ("posterior", "Back (posterior)"),
    ("lateral", "Side (lateral)"),
    ("close-up", "Close-up"),
)


def view_words(view: str) -> str:
    """'Back (posterior)' for 'posterior'; an unknown value as it was given."""
    return dict(VIEWS).get(view, view)


LATERALITY_CODES = {"left": "7771000", "right": "24028007", "bilateral": "51440002"}


def describe(code: str, laterality: str = "") -> str:
    """Human words for a coded site, e.g. 'Left forearm'."""
    site = BY_CODE.get(code)
    if site is None:
        return ""
    if site.lateral and laterality in ("left", "right"):
        return f"{laterality.capitalize()} {site.name.lower()}"
    if site.lateral and laterality == "bilateral":
        return f"{site.name} (both sides)"
    return site.name


def term(code: str) -> str:
    """The site's term in the catalogue ('Forearm'), or '' for no or an unknown code."""
    site = BY_CODE.get(code)
    return site.name if site else ""
