from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = _("整改")

    def ready(self) -> None:
        from portal.dashboards.todo import register_todo_provider
        from rectification.todo import order_todos

        register_todo_provider(order_todos)
        from rectification.sources import register_source

        register_source("other", _("其他来源"))
        from portal.risk import register_risk_signal
        from rectification.selectors import order_signal

        # A risk signal of the quarterly inspection draw: open and overdue orders.
        register_risk_signal("orders", _("未关闭和逾期的整改单"), order_signal)
