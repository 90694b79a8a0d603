"""403/404/500 pages in the portal's style, and JSON for the API."""

from __future__ import annotations

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from portal.views.mixins import public_view

__all__ = ["bad_request", "page_not_found", "permission_denied", "public_view", "server_error"]


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def _error(request, status: int, title: str, message: str, fields=None):
    if _wants_json(request):
        return JsonResponse(fields or {"detail": message}, status=status)
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": title, "message": message},
        status=status,
    )


def bad_request(request, exception=None):
    from portal.query import InvalidQuery

    if isinstance(exception, InvalidQuery):
        # A parameter the page reads itself was refused: say which and why.
        return _error(request, 400, _("请求有误"), str(exception), fields=exception.errors)
    return _error(request, 400, _("请求有误"), _("请求格式不正确，请检查后重试。"))


def permission_denied(request, exception=None):
    # Services raise PermissionDenied with a message for the user ("只有市级管理员可以…");
    # show it. A bare PermissionDenied gets the general wording.
    reason = str(exception.args[0]) if exception is not None and exception.args else ""
    return _error(
        request,
        403,
        _("没有权限"),
        reason or _("您没有访问此页面或执行该操作的权限。如需开通，请联系市级管理员。"),
    )


def page_not_found(request, exception=None):
    return _error(request, 404, _("页面不存在"), _("您要找的页面不存在，或您无权查看。"))


def server_error(request):
    title, message = _("系统错误"), _("系统出现错误，已记录，请稍后再试。")
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=500)
    # No request context: the database may be what failed, and context processors and the
    # navigation read it. The plain shell needs nothing but static files.
    html = loader.render_to_string(
        "errors/error.html",
        {"status": 500, "title": title, "message": message, "error_base": "base_plain.html"},
    )
    return HttpResponseServerError(html)
