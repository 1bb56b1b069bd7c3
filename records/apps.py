from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Patient records"

    def ready(self) -> None:
        from accounts.hooks import workplaces_from_claims
        from records.staffing import set_workplaces_from_claims

        # Wards and facilities named by the identity provider's claims at sign-in.
        workplaces_from_claims.register(set_workplaces_from_claims)
