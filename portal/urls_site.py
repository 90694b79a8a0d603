from django.urls import path

from portal.views import home

app_name = "portal"

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("healthz", home.healthz, name="healthz"),
    path("favicon.ico", home.favicon, name="favicon"),
]
