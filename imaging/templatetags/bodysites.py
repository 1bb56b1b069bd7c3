"""{% bodysite_picker %}: a searchable list of coded body sites and a front/back diagram."""

from typing import Any

from django import template

from imaging.bodysites import SITES, describe, view_words

register = template.Library()


@register.inclusion_tag("imaging/_bodysite_picker.html")
def bodysite_picker(
    selected: str = "", field_name: str = "body_site_code"
) -> dict[str, Any]:
    maps = [
        {
            "side": side,
            "view": view,
            "spots": [(s, *at) for s in SITES if (at := getattr(s, side.lower()))],
        }
        for side, view in (("Front", "anterior"), ("Back", "posterior"))
    ]
    return {
        "sites": SITES,
        "selected": selected,
        "field_name": field_name,
        "maps": maps,
    }


@register.simple_tag
def body_site_words(code: str, laterality: str = "") -> str:
    """'Left forearm' for a coded site and its side."""
    return describe(code, laterality)


@register.filter
def view_label(view: str) -> str:
    """The words for a stored view: 'Back (posterior)'."""
    return view_words(view)
