from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.generic import TemplateView

from portal import clock
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
        return context


@public_view
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@public_view
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; the static URL is resolved here,
    not at import, because the manifest exists only after collectstatic."""
    return redirect(static("img/favicon.svg"))
