from django.contrib.auth import views as auth_views
from django.urls import path

from portal.views.mixins import public_view

app_name = "portal_auth"

urlpatterns = [
    path("login/", public_view(auth_views.LoginView.as_view()), name="login"),
    path("logout/", public_view(auth_views.LogoutView.as_view()), name="logout"),
]
