from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consent")

    def ready(self) -> None:
        from consent.purposes import purposes_load

        post_migrate.connect(purposes_load, sender=self, dispatch_uid="consent.load_purposes")
