"""Evidence files, checked by their content (magic numbers), not by their name.

A file whose first bytes match none of the accepted types is refused, and so is anything that
looks like a program or script whatever its name says.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_EVIDENCE_MB = 10
MAX_FILES_PER_UPLOAD = 10
ACCEPTED = {
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument": "DOCX/XLSX",
}
EXECUTABLE_PREFIXES = (
    b"MZ",
    b"\x7fELF",
    b"#!",
    b"\xca\xfe\xba\xbe",
    b"\xcf\xfa\xed\xfe",
    b"\xce\xfa\xed\xfe",
    b"\xfe\xed\xfa",
    b"<?php",
    b"<script",
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
    ".hta",
    ".lnk",
)

FILE_TOO_LARGE = "文件“%(name)s”过大：不能超过 %(limit)s MB。"
FILE_EXECUTABLE = "文件“%(name)s”被拒绝：不允许上传可执行文件或脚本。"
FILE_TYPE_REFUSED = "文件“%(name)s”被拒绝：无法识别的文件类型，只接受 %(types)s。"
FILE_EMPTY = "文件“%(name)s”是空文件。"
TOO_MANY_FILES = "一次最多上传 %(limit)s 个文件。"


def sniff(head: bytes) -> str | None:
    """The content type the first bytes show, or ``None`` when unknown."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04") and b"[Content_Types].xml" in head:
        return "application/vnd.openxmlformats-officedocument"
    return None


def check_evidence(upload) -> str:
    """Validate one uploaded file; its content type, or a Chinese ValidationError."""
    name = getattr(upload, "name", "") or "?"
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if not size:
        raise ValidationError(_(FILE_EMPTY) % {"name": name}, code="empty")
    if size > MAX_EVIDENCE_MB * 1024 * 1024:
        raise ValidationError(
            _(FILE_TOO_LARGE) % {"name": name, "limit": MAX_EVIDENCE_MB}, code="too_large"
        )
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if (
        head.lstrip().lower().startswith(EXECUTABLE_PREFIXES)
        or head.startswith(EXECUTABLE_PREFIXES)
        or name.lower().endswith(EXECUTABLE_SUFFIXES)
    ):
        raise ValidationError(_(FILE_EXECUTABLE) % {"name": name}, code="executable")
    content_type = sniff(head)
    if content_type is None:
        raise ValidationError(
            _(FILE_TYPE_REFUSED) % {"name": name, "types": "、".join(ACCEPTED.values())},
            code="type_refused",
        )
    return content_type


def check_all(uploads) -> list[tuple[object, str]]:
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        raise ValidationError(_(TOO_MANY_FILES) % {"limit": MAX_FILES_PER_UPLOAD})
    return [(u, check_evidence(u)) for u in uploads]
