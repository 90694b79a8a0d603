from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from portal.views import errors

urlpatterns = [
    path("", include("portal.urls_site")),
    path("accounts/", include("portal.urls_auth")),
    path("manage/", include("portal.urls_manage")),
    path("manage/security/", include("portal.urls_security")),
    path("notifications/", include("portal.urls_notifications")),
    path("stations/", include("stations.urls")),
    path("talent/", include("talent.urls")),
    path("inspections/", include("inspections.urls")),
    path("rectification/", include("rectification.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("funding/", include("funding.urls")),
    path("services/", include("services.urls")),
    path("api/", include("portal.api.urls")),
    path("i18n/setlang/", errors.public_view(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

handler400 = "portal.views.errors.bad_request"
handler403 = "portal.views.errors.permission_denied"
handler404 = "portal.views.errors.page_not_found"
handler500 = "portal.views.errors.server_error"

# No route serves MEDIA_ROOT, not even with DEBUG: uploads are downloaded through scoped views
# (portal.files).
