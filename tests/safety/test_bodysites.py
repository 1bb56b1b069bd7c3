"""The coded body-site catalogue is well formed and reads naturally."""

from imaging.bodysites import BY_CODE, SITES, describe


def test_codes_are_unique_snomed_style_identifiers() -> None:
    codes = [site.code for site in SITES]
    assert len(codes) == len(set(codes))
    assert all(code.isdigit() and 6 <= len(code) <= 18 for code in codes)


def test_lateral_sites_read_with_their_side() -> None:
    forearm = next(site for site in SITES if site.name == "Forearm")
    assert describe(forearm.code, "left") == "Left forearm"
    assert describe(forearm.code, "bilateral") == "Forearm (both sides)"
    assert describe(BY_CODE["113345001"].code, "left") == "Abdomen"
    assert describe("0", "left") == ""


def test_intimate_regions_default_to_sensitive() -> None:
    assert BY_CODE["21514008"].sensitive
    assert not BY_CODE["14975008"].sensitive
