from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.generic import TemplateView

from portal import clock, health
from portal.choices import Role
from portal.dashboards.home import home_context
from portal.views.mixins import public_view


class HomeView(LoginRequiredMixin, TemplateView):
    """首页: the signed-in user's to-dos, the figures their roles may see, and where to go."""

    # Every figure is read through restrict() in the dashboards' selectors.
    scoped = True
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            home_context(self.request.user, on=clock.today(), current_path=self.request.path)
        )
        user = self.request.user
        if user.is_superuser or user.has_role(Role.CITY_ADMIN):
            context["late_tasks"] = health.late_periodic_tasks()
        return context


@public_view
def healthz(request):
    """Database, Redis, the worker's heartbeat and each periodic task's last success (JSON).
    503 when the database does not answer; with ``?strict=1`` also when anything is wrong."""
    body, status = health.report()
    if request.GET.get("strict") and body["problems"]:
        status = 503
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


@public_view
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; the static URL is resolved here,
    not at import, because the manifest exists only after collectstatic."""
    return redirect(static("img/favicon.svg"))
