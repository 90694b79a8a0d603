"""Uploaded files leave the portal only through scoped views, as downloads.

Every model with a FileField (evaluation evidence, inspection photos, rectification
evidence, spending attachments) has a download view that finds the row with
``restrict(user, "view")`` (404 out of scope, the same page as a missing row) and answers with
``protected_file_response``. MEDIA_ROOT is never served as a folder.

In production set ``PORTAL_X_ACCEL_REDIRECT_PREFIX`` (e.g. ``/protected-media/``): the view
then answers with ``X-Accel-Redirect`` and nginx sends the file from an ``internal`` location
(README.md, "Uploaded files"), so gunicorn workers do not stream it. Without the setting the
view streams the file itself.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

# Types the upload checkers accept; anything else is sent as opaque bytes.
SAFE_TYPES = frozenset(
    {
        "application/pdf",
        "image/jpeg",
        "image/png",
        "image/webp",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)
OCTET_STREAM = "application/octet-stream"


def _content_type(declared: str | None) -> str:
    declared = (declared or "").split(";")[0].strip().lower()
    return declared if declared in SAFE_TYPES else OCTET_STREAM


def protected_file_response(file, *, filename: str, content_type: str | None = None):
    """A download of ``file`` (a FieldFile) named ``filename``.

    Always an attachment (never rendered by the browser), with an RFC 5987 ``filename*`` for
    Chinese names, ``nosniff`` and no shared caching.
    """
    if not file or not file.name:
        raise Http404
    prefix = getattr(settings, "PORTAL_X_ACCEL_REDIRECT_PREFIX", "")
    if prefix:
        response = HttpResponse(content_type=_content_type(content_type))
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(file.name)
    else:
        try:
            handle = file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=_content_type(content_type))
    response["Content-Disposition"] = content_disposition_header(True, filename or "download")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
