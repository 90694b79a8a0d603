"""Checking uploaded photos and evidence files by their content, not their name.

The type is read from the file's first bytes (magic numbers); a file whose bytes match no
allowed type is refused, and so is anything that looks like a program or script whatever its
name says. Limits come from the inspection settings (``photo_max_mb``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
EVIDENCE_TYPES = {
    **PHOTO_TYPES,
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument": "docx",
}
EXECUTABLE_PREFIXES = (
    b"MZ",
    b"\x7fELF",
    b"#!",
    b"\xca\xfe\xba\xbe",
    b"\xcf\xfa\xed\xfe",
    b"\xce\xfa\xed\xfe",
    b"PK\x03\x04META-INF",
)
EXECUTABLE_SUFFIXES = (
    ".exe",
    ".dll",
    ".bat",
    ".cmd",
    ".com",
    ".sh",
    ".js",
    ".vbs",
    ".ps1",
    ".msi",
    ".jar",
    ".apk",
    ".scr",
    ".py",
    ".php",
    ".html",
    ".htm",
    ".svg",
)

FILE_TOO_LARGE = "文件“%(name)s”过大：不能超过 %(limit)s MB。"
FILE_EXECUTABLE = "文件“%(name)s”被拒绝：不允许上传可执行文件或脚本。"
FILE_TYPE_REFUSED = "文件“%(name)s”被拒绝：只接受 %(types)s 格式。"
FILE_EMPTY = "文件“%(name)s”是空文件。"


def sniff(head: bytes) -> str | None:
    """The content type the first bytes show, or ``None``."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04") and b"[Content_Types].xml" in head:
        return "application/vnd.openxmlformats-officedocument"
    return None


def check_upload(upload, *, allowed: dict[str, str], max_mb: int) -> str:
    """Validate one uploaded file; return its content type or raise a Chinese ValidationError."""
    name = getattr(upload, "name", "") or "?"
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size == 0:
        raise ValidationError(_(FILE_EMPTY) % {"name": name}, code="empty")
    if size > max_mb * 1024 * 1024:
        raise ValidationError(_(FILE_TOO_LARGE) % {"name": name, "limit": max_mb}, code="too_large")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if head.startswith(EXECUTABLE_PREFIXES) or name.lower().endswith(EXECUTABLE_SUFFIXES):
        raise ValidationError(_(FILE_EXECUTABLE) % {"name": name}, code="executable")
    content_type = sniff(head)
    if content_type not in allowed:
        types = "、".join(sorted({v.upper() for v in allowed.values()}))
        raise ValidationError(
            _(FILE_TYPE_REFUSED) % {"name": name, "types": types}, code="type_refused"
        )
    return content_type
