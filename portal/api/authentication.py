from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from portal import clock


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; a token older than ``API_TOKEN_DAYS`` is refused."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token.created < clock.now() - timedelta(days=settings.API_TOKEN_DAYS):
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新生成。"))
        return user, token
