from django.urls import path

from portal.views import auth

app_name = "portal_auth"

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("otp/", auth.OtpEnrolView.as_view(), name="otp_enrol"),
    path("otp/verify/", auth.OtpVerifyView.as_view(), name="otp_verify"),
    path("otp/remove/", auth.OtpRemoveView.as_view(), name="otp_remove"),
    path("token/", auth.ApiTokenView.as_view(), name="api_token"),
]
