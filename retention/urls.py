"""Retention rules, legal holds, medico-legal flags, disposal review and the register."""

from django.urls import URLPattern, URLResolver, path

from retention import batch_views, change_views, law_views, views

app_name = "retention"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_edit, name="rule-new"),
    path("rules/<uuid:public_id>/", views.rule_edit, name="rule-edit"),
    path("rules/<uuid:public_id>/verify/", law_views.rule_verify, name="rule-verify"),
    path(
        "rules/changes/<uuid:public_id>/",
        change_views.rule_change,
        name="rule-change",
    ),
    *(
        path(
            f"rules/changes/<uuid:public_id>/{act}/",
            change_views.rule_change_act,
            {"act": act},
            name=f"rule-change-{act}",
        )
        for act in ("approve", "reject")
    ),
    path("preview/", law_views.preview, name="preview"),
    path("freezes/", law_views.freeze_list, name="freezes"),
    path(
        "freezes/<uuid:public_id>/switch/",
        law_views.freeze_switch,
        name="freeze-switch",
    ),
    path("propose/", views.propose, name="propose"),
    path("flags/", views.flag_list, name="flags"),
    path("flags/<uuid:public_id>/clear/", views.flag_clear, name="flag-clear"),
    path("batches/", batch_views.batch_list, name="batches"),
    path("batches/<uuid:public_id>/", batch_views.batch_detail, name="batch"),
    path("batches/<uuid:public_id>/items.csv", batch_views.batch_csv, name="batch-csv"),
    path(
        "batches/<uuid:public_id>/certificate.pdf",
        batch_views.certificate,
        name="certificate",
    ),
    *(
        path(
            f"batches/<uuid:public_id>/{act}/",
            batch_views.batch_act,
            {"act": act},
            name=f"batch-{act}",
        )
        for act in ("approve", "carry-out", "remove", "object")
    ),
    path("register/", batch_views.register, name="register"),
    path("register.csv", batch_views.register_csv, name="register-csv"),
]
