"""API errors: the same JSON shape everywhere, messages in the caller's language."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.errors import Conflict
from portal.query import InvalidQuery

ERR_NO_DATA = gettext_lazy("请求内容为空：请以JSON对象提交各字段。")
# DRF messages it does not translate (rest_framework.serializers hard-codes them).
UNTRANSLATED = {"No data provided": ERR_NO_DATA}

ERR_MALFORMED_BODY = gettext_lazy(
    "请求内容格式不正确：无法按所声明的类型（Content-Type）解析，请检查JSON或表单格式。"
)


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        return Response(
            {"detail": str(exc.message), "code": "conflict"}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, InvalidQuery):
        exc = exceptions.ValidationError(exc.errors)
    elif isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("未找到。"))
    elif isinstance(exc, DjangoPermissionDenied):
        reason = str(exc.args[0]) if exc.args else ""
        exc = exceptions.PermissionDenied(reason or _("您没有执行该操作的权限。"))
    elif isinstance(exc, exceptions.ParseError):
        # DRF's parsers answer "JSON parse error - Expecting ..." in English whatever the
        # caller's language; say it in theirs.
        exc = exceptions.ParseError(ERR_MALFORMED_BODY)
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = _translated(response.data)
        if isinstance(response.data, list):
            # ``ValidationError("…")`` without a field: one shape for every 400, an object.
            response.data = {"non_field_errors": response.data}
    return response


def _translated(data):
    if isinstance(data, dict):
        return {key: _translated(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_translated(value) for value in data]
    if isinstance(data, str) and data in UNTRANSLATED:
        return exceptions.ErrorDetail(str(UNTRANSLATED[data]), code=getattr(data, "code", None))
    return data
