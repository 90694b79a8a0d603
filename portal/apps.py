from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("平台")

    def ready(self) -> None:
        from portal import audit, signals  # noqa: F401  (connects receivers)

        audit.connect_model_signals()
