"""Hostile spreadsheets are refused fast, through the one reader, on every import.

Each file is generated here. The seconds each refusal takes are printed (run with ``-s``) for
the issue's note; the bound asserted is generous (the issue's figures were 4-14 s and 500s).
"""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluations.models import Framework
from portal import imports
from portal.imports import Column, ImportRefused, read_rows

ROOT = Path(__file__).resolve().parents[2]
GENEROUS = 5.0  # seconds
COLUMNS = [Column("code", "编码", imports.text(20), required=True)]
SHEET = "xl/worksheets/sheet1.xml"
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _base() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["编码"])
    wb.active.append(["A1"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _with_sheet(xml: bytes, level: int = 6) -> bytes:
    """A genuine workbook whose first sheet is replaced by ``xml``."""
    source = zipfile.ZipFile(io.BytesIO(_base()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for info in source.infolist():
            content = xml if info.filename == SHEET else source.read(info.filename)
            target.writestr(info.filename, content)
    return out.getvalue()


def _rows_xml(count: int, dimension: str | None = None, pad: int = 0) -> bytes:
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ' + NS + b">"
    if dimension:
        head += b'<dimension ref="' + dimension.encode() + b'"/>'
    filler = b"x" * pad
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>C%d%s</t></is></c></row>' % (n, n, n, filler)
        for n in range(1, count + 1)
    )
    return head + b"<sheetData>" + rows + b"</sheetData></worksheet>"


def lying_zip_bomb() -> bytes:
    """64 MB of sheet whose archive declares 2 KB: the sizes checked up front all pass."""
    sheet = _rows_xml(2).replace(b"</sheetData>", b"</sheetData>" + b" " * (64 * 1024 * 1024))
    data = bytearray(_with_sheet(sheet, level=9))
    name = SHEET.encode()
    # Local file header: uncompressed size at offset 22; central directory entry: at 24.
    local = data.index(b"PK\x03\x04")
    while data[local + 30 : local + 30 + len(name)] != name:
        local = data.index(b"PK\x03\x04", local + 4)
    struct.pack_into("<I", data, local + 22, 2048)
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, 2048)
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo(SHEET)
    assert info.file_size == 2048 and info.compress_size < 1024 * 1024
    return bytes(data)


def padded_xxe() -> bytes:
    """An external entity declared after 64 KB of comment, past any prologue scan."""
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- '
        + b"pad " * 16384
        + b'-->\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        + b"<worksheet "
        + NS
        + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
        + b"</sheetData></worksheet>"
    )
    return _with_sheet(sheet)


def xfd_dimension() -> bytes:
    """Three rows declaring ``A1:XFD2001``: asking openpyxl for its size pads 32 M cells."""
    return _with_sheet(_rows_xml(3, dimension="A1:XFD2001"))


def two_hundred_thousand_rows() -> bytes:
    """200,000 rows and no dimension: only counting them finds out."""
    return _with_sheet(_rows_xml(200_000))


def small_file_big_sheet() -> bytes:
    """A few MB holding a 98 MB sheet (the issue's was 9 MB), every size declared honestly."""
    data = _with_sheet(_rows_xml(400_000, pad=180), level=1)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    assert info.file_size > 90 * 1024 * 1024 and len(data) < imports.MAX_UPLOAD_BYTES
    return data


HOSTILE = {
    "lying zip bomb": (lying_zip_bomb, "压缩"),
    "padded XXE": (padded_xxe, "实体"),
    "A1:XFD2001 dimension": (xfd_dimension, "过宽"),
    "200,000 rows": (two_hundred_thousand_rows, "过大"),
    "small file, 98 MB sheet": (small_file_big_sheet, "压缩"),
}


@pytest.fixture(scope="module")
def hostile_files():
    return {name: (make(), words) for name, (make, words) in HOSTILE.items()}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_reader_refuses_each_hostile_file_fast(name, hostile_files):
    data, words = hostile_files[name]
    started = time.monotonic()
    with pytest.raises(ImportRefused) as refused:
        read_rows(io.BytesIO(data), COLUMNS)
    seconds = time.monotonic() - started
    print(f"\n{name} ({len(data) / 1e6:.1f} MB): refused in {seconds:.3f} s")
    assert words in refused.value.message
    assert seconds < GENEROUS


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_framework_import_refuses_each_hostile_file(name, hostile_files, world, login):
    data, words = hostile_files[name]
    client = login(world.city_officer)
    started = time.monotonic()
    response = client.post(
        reverse("evaluations:framework_import"),
        {
            "code": "hostile",
            "name": "恶意文件",
            "note": "",
            "file": SimpleUploadedFile("fw.xlsx", data),
        },
        follow=True,
    )
    seconds = time.monotonic() - started
    print(f"\nframework import, {name}: answered in {seconds:.3f} s")
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Framework.objects.filter(code="hostile").exists()
    assert seconds < GENEROUS


def test_a_genuine_sheet_that_lies_small_about_its_size_still_reads_within_the_caps():
    data = _with_sheet(_rows_xml(30, dimension="A1:A2"))
    table = imports.read_table(io.BytesIO(data), max_rows=50)
    assert [row[0] for row in table[:3]] == ["C1", "C2", "C3"] and len(table) == 30
    with pytest.raises(ImportRefused):
        imports.read_table(io.BytesIO(data), max_rows=20)  # stopped while streaming


def test_only_the_one_reader_opens_workbooks():
    """Every import goes through portal/imports.py: no other module loads a workbook."""
    offenders = []
    folders = [p for p in ROOT.iterdir() if p.is_dir() and p.name[0] != "." and p.name != "tests"]
    for path in (path for folder in folders for path in folder.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.as_posix() == "portal/imports.py":
            continue
        if re.search(r"load_workbook|ZipFile\(", path.read_text(encoding="utf-8")):
            offenders.append(rel.as_posix())
    assert offenders == []
