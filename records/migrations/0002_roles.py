"""Create the role groups of DESIGN.md §4 with their permissions."""

from django.db import migrations

from accounts.rolesync import grant

ROLES = {
    "Ward staff": [
        "records.view_patient",
        "records.view_encounter",
        "records.break_glass",
        "imaging.view_clinicalimage",
        "imaging.capture_image",
        "imaging.download_original",
        "imaging.request_hard_copy",
    ],
    "Records manager": [
        "records.view_patient",
        "records.view_encounter",
        "records.view_facility",
        "records.view_ward",
        "records.manage_retention",
        "records.manage_legal_holds",
        "records.approve_disposal",
        "imaging.view_clinicalimage",
        "imaging.download_original",
        "imaging.request_hard_copy",
        "audit.view_auditevent",
        "audit.view_access_report",
    ],
    "Legal": [
        "records.view_patient",
        "records.manage_legal_holds",
        "imaging.export_images",
        "audit.view_matter_audit",
    ],
    "Privacy officer": [
        "records.view_patient",
        "records.view_encounter",
        "records.review_break_glass",
        "imaging.view_clinicalimage",
        "audit.view_auditevent",
        "audit.view_access_report",
    ],
    "Administrator": [
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "records.view_facility",
        "records.add_facility",
        "records.change_facility",
        "records.view_ward",
        "records.add_ward",
        "records.change_ward",
        "records.view_staffmembership",
        "records.add_staffmembership",
        "records.change_staffmembership",
        "records.delete_staffmembership",
        "records.view_facilityassignment",
        "records.add_facilityassignment",
        "records.change_facilityassignment",
        "records.delete_facilityassignment",
    ],
}


def create_roles(apps, schema_editor):  # type: ignore[no-untyped-def]
    grant(apps, ROLES)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
        ("imaging", "0001_initial"),
        ("audit", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
