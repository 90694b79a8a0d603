from django.urls import path

from portal.views import auth

app_name = "security"

urlpatterns = [
    path("", auth.LockedAccountsView.as_view(), name="locked"),
    path("roles/", auth.RoleSecurityView.as_view(), name="roles"),
    path("users/<int:pk>/unlock/", auth.UnlockView.as_view(), name="unlock"),
]
