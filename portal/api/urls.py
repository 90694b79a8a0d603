from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from evaluations.api import routes as _evaluations_routes  # noqa: F401
from funding.api import routes as _funding_routes  # noqa: F401
from inspections.api import routes as _inspections_routes  # noqa: F401
from portal.api import routes as _portal_routes  # noqa: F401  (registers on the router)
from portal.api.router import router
from portal.views.mixins import public_view
from rectification.api import routes as _rectification_routes  # noqa: F401
from services.api import routes as _services_routes  # noqa: F401
from stations.api import routes as _stations_routes  # noqa: F401
from talent.api import routes as _talent_routes  # noqa: F401

urlpatterns = [
    path("v1/", include(router.urls)),
    # The schema and its browser are public documentation; every route they describe is scoped.
    path("schema/", public_view(SpectacularAPIView.as_view()), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (?script): the content
    # security policy allows no inline script, and with one the page stays blank.
    path(
        "docs/",
        public_view(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
]
