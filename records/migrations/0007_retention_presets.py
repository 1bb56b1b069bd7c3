"""Retention presets: state health-records law and placeholders for public schedules.

Every preset is marked for verification against the authorised text; records managers
confirm each (or complete a placeholder) in the app, which versions and audits the change.
"""

from django.db import migrations

VERIFY = "Verify against the authorised text."
CONVENTION = (
    "Convention for private providers (no state statute; Privacy Act 1988 APP 11.2)"
)


def _pair(code, sector, citation, note):  # type: ignore[no-untyped-def]
    return [
        {
            "name": f"{code} {note}: adult, 7 years after last service",
            "jurisdiction": code,
            "sector": sector,
            "applies_to": "all",
            "trigger": "last_service",
            "years": 7,
            "citation": citation,
        },
        {
            "name": f"{code} {note}: collected under 18, until age 25",
            "jurisdiction": code,
            "sector": sector,
            "applies_to": "minors",
            "trigger": "age",
            "years": 25,
            "citation": citation,
        },
    ]


def _placeholder(code, citation):  # type: ignore[no-untyped-def]
    return {
        "name": f"{code} public sector schedule (placeholder: complete me)",
        "jurisdiction": code,
        "sector": "public",
        "applies_to": "all",
        "trigger": "indefinite",
        "years": 0,
        "citation": citation,
    }


PRESETS = [
    *_pair("NSW", "private", "NSW HRIPA 2002 s25", "private"),
    *_pair("VIC", "", "Vic Health Records Act 2001 Sch 1 HPP 4", "public and private"),
    *_pair("ACT", "", "ACT Health Records (Privacy and Access) Act 1997", "all"),
    *[
        rule
        for code in ("QLD", "WA", "SA", "TAS", "NT")
        for rule in _pair(code, "private", CONVENTION, "private")
    ],
    _placeholder("NSW", "NSW State Records Act 1998, GDA17 (public health services)"),
    _placeholder("QLD", "Qld Health Sector (Clinical Records) schedule QDAN 683"),
    _placeholder("WA", "WA Patient Information Retention and Disposal Schedule"),
    _placeholder("SA", "SA public health records disposal schedule"),
    _placeholder("TAS", "Tas public health records disposal schedule"),
    _placeholder("NT", "NT public health records disposal schedule"),
]


def load_presets(apps, schema_editor):  # type: ignore[no-untyped-def]
    Rule = apps.get_model("records", "RetentionRule")
    Version = apps.get_model("records", "RetentionRuleVersion")
    for preset in PRESETS:
        rule = Rule.objects.create(
            **preset, needs_verification=True, is_active=True, version=1
        )
        Version.objects.create(
            rule=rule,
            version=1,
            content={**preset, "needs_verification": True, "is_active": True},
            reason=f"Preset loaded by migration. {VERIFY}",
        )


def remove_presets(apps, schema_editor):  # type: ignore[no-untyped-def]
    Rule = apps.get_model("records", "RetentionRule")
    Version = apps.get_model("records", "RetentionRuleVersion")
    names = [preset["name"] for preset in PRESETS]
    Version.objects.filter(rule__name__in=names, version=1).delete()
    Rule.objects.filter(name__in=names, version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0006_retention_rules_flags_and_disposal")]
    operations = [migrations.RunPython(load_presets, remove_presets)]
