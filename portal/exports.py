"""Excel exports shared by every list: ``xlsx_response(filename, headers, rows)``.

Rows are written with openpyxl's write-only workbook into a spooled temporary file and
streamed back, so an export of a few hundred thousand rows never sits in memory as cells.

Spreadsheet formula injection (OWASP "CSV injection"): a text cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return would be run as a formula by Excel or WPS.
Such values get a leading apostrophe and are stored as plain text, so what the user typed
is what they see, and nothing runs.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import islice
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
# Column widths are measured on the header and the first rows; a CJK character is two wide.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 6, 60
# Excel's own limit is 1,048,576 rows including the header.
MAX_ROWS = 1_048_575


def neutralise(text: str) -> str:
    """A text value that a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _plain(value: Any) -> Any:
    """The value a cell holds: numbers stay numbers, dates stay dates, the rest is text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dt.datetime):
        # Excel has no time zones: write the local wall-clock time the user sees on screen.
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, int | float | Decimal | dt.date | dt.time):
        return value
    return neutralise(str(value))


def _cell(ws, value: Any) -> WriteOnlyCell:
    value = _plain(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        # A string cell is never a formula, whatever it starts with.
        cell.data_type = "s"
    elif isinstance(value, Decimal):
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    return cell


def write_workbook(
    target, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = ""
) -> int:
    """Write one sheet of ``headers`` and ``rows`` to the file-like ``target``; rows written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=(title or _("导出"))[:31])
    rows = iter(rows)
    sample = [list(r) for r in islice(rows, WIDTH_SAMPLE_ROWS)]

    widths = [_display_width(str(h)) for h in headers]
    for row in sample:
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], _display_width(_plain(value)))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
    ws.freeze_panes = "A2"

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=neutralise(str(header)))
        cell.data_type = "s"
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="center")
        header_cells.append(cell)
    ws.append(header_cells)

    count = 0
    for row in _chain(sample, rows):
        if count >= MAX_ROWS:
            break
        ws.append([_cell(ws, value) for value in row])
        count += 1
    wb.save(target)
    return count


def _chain(first: list, rest):
    yield from first
    yield from rest


def xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = ""
) -> FileResponse:
    """An attachment response streaming an .xlsx of ``headers`` and ``rows``.

    ``rows`` may be a generator (``queryset.iterator()``); Decimal is written as a number with
    two decimals, dates as dates, datetimes in local time, booleans as 是/否, and every text
    cell is protected against formula injection.
    """
    if not filename.endswith(".xlsx"):
        filename += ".xlsx"
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    write_workbook(spool, headers, rows, title=title)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def export_filename(stem: str) -> str:
    """``用户-20260102-0930.xlsx``: the list's name and the local time of the export."""
    return f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
