"""Reading uploaded spreadsheets safely, for every app's Excel import.

An .xlsx is a zip of XML files, which makes it a carrier for three attacks, each refused here
before openpyxl parses anything:

- **not a spreadsheet**: the upload must be a zip with an Excel workbook inside;
- **zip bombs**: the uncompressed sizes the archive declares are summed and each member's
  compression ratio checked *before* anything is decompressed; then every XML part is
  inflated once, in chunks, counting the bytes it really yields: a part above
  ``MAX_PART_BYTES`` or an archive above ``MAX_UNCOMPRESSED_BYTES`` is refused at that chunk,
  and a part whose data does not match its declared size and CRC (a "lying" bomb) is refused
  by ``zipfile`` (it never inflates past the declared size and checks the CRC at the end);
- **XML entity expansion** ("billion laughs", external entities, padded so the declaration
  sits far into the part): every XML part is scanned in full for a DOCTYPE or ENTITY
  declaration, which no genuine workbook has; and openpyxl itself parses through defusedxml
  (``openpyxl.DEFUSEDXML`` is checked at import), which forbids entities again;
- **huge sheets**: a worksheet's declared dimension (``<dimension ref="A1:XFD2001"/>``) beyond
  the caps is refused from the part's first bytes, its ``<row>`` elements are counted during
  the same scan (a 200,000-row sheet stops there), and the rows are read again by streaming
  with explicit row and column bounds (``read_only=True``; openpyxl is never asked for the
  sheet's size, so a sheet that lies about it cannot make it pad millions of cells).

Every import reads through ``read_table`` (raw rows) or ``read_rows`` (typed rows): one
reader, one set of limits, the same Chinese refusals on pages and in the API.

Then the sheet is turned into rows of typed values by ``Column`` specs, collecting every bad
cell as a ``RowError`` (row number, column, reason in Chinese) instead of stopping at the first.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from portal.exports import xlsx_response

# Uploads larger than this are refused before they are opened (bytes).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Sum of the uncompressed sizes of every member of the archive (bytes).
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
# One XML part (a sheet, the shared strings) uncompressed: 20,000 rows of 60 short cells fit.
MAX_PART_BYTES = 24 * 1024 * 1024
SCAN_CHUNK = 1024 * 1024
# A member may be at most this many times larger than its compressed form, once it is past
# RATIO_FLOOR bytes (tiny members compress oddly; genuine sheets stay well under 100:1).
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 2000
PROLOGUE_BYTES = 4096
DEFAULT_MAX_ROWS = 20_000
DEFAULT_MAX_COLS = 60
BLANK_ROW_ALLOWANCE = 1000

if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a pinned dependency
    raise ImportError("defusedxml must be installed so openpyxl refuses XML entities")

NOT_XLSX = "文件不是有效的 Excel 工作簿（.xlsx）。请用 Excel 或 WPS 另存为 .xlsx 后再上传。"
TOO_LARGE = "文件过大：上传文件不能超过 %(limit)s MB。"
BOMB = "文件被拒绝：压缩内容解压后过大或压缩比异常（疑似压缩炸弹）。"
ENTITIES = "文件被拒绝：工作簿包含 XML 实体声明（DOCTYPE/ENTITY），正常的 Excel 文件不会包含。"
TOO_MANY_ROWS = "工作表过大：最多 %(limit)s 行数据。请拆分后分批导入。"
TOO_MANY_COLS = "工作表过宽：最多 %(limit)s 列。"
UNREADABLE = "无法读取工作簿：%(error)s"
EMPTY_SHEET = "工作表没有数据：第一行应为表头。"
MISSING_COLUMNS = "缺少必需的列：%(columns)s。请使用导入模板。"
REQUIRED = "必填。"
BAD_DATE = "不是有效日期（应为 2024-01-31 格式或 Excel 日期）。"
BAD_DECIMAL = "不是有效金额。"
BAD_INTEGER = "不是有效整数。"
BAD_CHOICE = "不是可选值之一：%(choices)s。"
TOO_LONG = "超过 %(limit)s 个字符。"


class ImportRefused(Exception):
    """The file as a whole is refused (not a workbook, a bomb, too large)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number, as the user sees it (header is row 1)
    column: str  # the column header, or "" for the whole row
    message: str

    def __str__(self) -> str:
        where = _("第%(row)s行") % {"row": self.row}
        if self.column:
            where += _("「%(column)s」列") % {"column": self.column}
        return f"{where}：{self.message}"


# --- the archive -----------------------------------------------------------------------------


_ENTITY = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref=[\"']([A-Za-z0-9:$]+)[\"']")
_OVERLAP = 64


def check_archive(
    fileobj, *, max_rows: int = DEFAULT_MAX_ROWS, max_cols: int = DEFAULT_MAX_COLS
) -> None:
    """Refuse anything that is not a plausible, bounded .xlsx archive: by the sizes declared,
    then by one bounded pass over every XML part (see the module's docstring)."""
    size = _size(fileobj)
    if size > MAX_UPLOAD_BYTES:
        raise ImportRefused(_(TOO_LARGE) % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)})
    fileobj.seek(0)
    if fileobj.read(4) != b"PK\x03\x04":
        raise ImportRefused(_(NOT_XLSX))
    fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportRefused(_(NOT_XLSX)) from error
    with archive:
        members = archive.infolist()
        names = {m.filename for m in members}
        if (
            len(members) > MAX_MEMBERS
            or "[Content_Types].xml" not in names
            or not any(n.startswith("xl/workbook") for n in names)
        ):
            raise ImportRefused(_(NOT_XLSX))
        total = 0
        for member in members:
            total += member.file_size
            if total > MAX_UNCOMPRESSED_BYTES or member.file_size > MAX_PART_BYTES:
                raise ImportRefused(_(BOMB))
            if member.file_size > RATIO_FLOOR and (
                member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
            ):
                raise ImportRefused(_(BOMB))
        inflated = 0
        for member in members:
            if member.filename.endswith((".xml", ".rels", ".vml")):
                inflated += _scan_part(archive, member, inflated, max_rows, max_cols)
    fileobj.seek(0)


def _scan_part(archive, member, inflated: int, max_rows: int, max_cols: int) -> int:
    """Inflate one XML part in chunks: its real size, entity declarations, and for a
    worksheet its declared dimension and its number of rows. Returns the bytes inflated."""
    is_sheet = member.filename.startswith("xl/worksheets/")
    row_cap = max_rows + 1 + BLANK_ROW_ALLOWANCE
    size = rows = 0
    tail = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(SCAN_CHUNK):
                if size == 0 and is_sheet:
                    _check_dimension(chunk[:PROLOGUE_BYTES], max_rows, max_cols)
                size += len(chunk)
                if size > MAX_PART_BYTES or inflated + size > MAX_UNCOMPRESSED_BYTES:
                    raise ImportRefused(_(BOMB))
                window = tail + chunk
                if _ENTITY.search(window):
                    raise ImportRefused(_(ENTITIES))
                if is_sheet:
                    rows += len(_ROW.findall(window)) - len(_ROW.findall(tail))
                    if rows > row_cap:
                        raise ImportRefused(_(TOO_MANY_ROWS) % {"limit": max_rows})
                tail = chunk[-_OVERLAP:]
    except ImportRefused:
        raise
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as error:
        # A CRC or size that does not match the data (a lying archive), or a broken stream.
        raise ImportRefused(_(BOMB if "CRC" in str(error) else NOT_XLSX)) from error
    except Exception as error:  # zlib.error and the like: not a readable archive
        raise ImportRefused(_(NOT_XLSX)) from error
    return size


def _check_dimension(prologue: bytes, max_rows: int, max_cols: int) -> None:
    """Refuse a sheet declaring more rows or columns than the caps (``A1:XFD2001``); a sheet
    declaring less than it holds is caught by the counting and the streaming instead."""
    from openpyxl.utils.cell import range_boundaries

    match = _DIMENSION.search(prologue)
    if not match:
        return
    try:
        _min_col, _min_row, last_col, last_row = range_boundaries(
            match.group(1).decode("ascii").replace("$", "")
        )
    except (ValueError, TypeError):
        return
    if last_row is not None and last_row > max_rows + 1:
        raise ImportRefused(_(TOO_MANY_ROWS) % {"limit": max_rows})
    if last_col is not None and last_col > max_cols:
        raise ImportRefused(_(TOO_MANY_COLS) % {"limit": max_cols})


def _size(fileobj) -> int:
    size = getattr(fileobj, "size", None)
    if size is not None:
        return int(size)
    position = fileobj.tell()
    fileobj.seek(0, 2)
    end = fileobj.tell()
    fileobj.seek(position)
    return end


# --- columns ---------------------------------------------------------------------------------


class CellError(ValueError):
    pass


def text(max_length: int | None = None) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, dt.datetime):
            value = value.date()
        result = str(value).strip()
        if max_length is not None and len(result) > max_length:
            raise CellError(_(TOO_LONG) % {"limit": max_length})
        return result

    return parse


def code(max_length: int | None = None) -> Callable[[Any], str]:
    """An identifier typed into Excel: a number read back as 440106.0 becomes "440106"."""
    inner = text(max_length)
    return lambda value: inner(value).upper().replace(" ", "")


def date_value(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip().replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise CellError(_(BAD_DATE))


def decimal_value(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, float):
        value = repr(value)
    raw = str(value).strip().replace(",", "").replace("，", "")
    try:
        result = Decimal(raw)
    except InvalidOperation as error:
        raise CellError(_(BAD_DECIMAL)) from error
    if not result.is_finite():
        raise CellError(_(BAD_DECIMAL))
    return result


def integer_value(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise CellError(_(BAD_INTEGER))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raw = str(value).strip()
    if raw.lstrip("-").isdigit():
        return int(raw)
    raise CellError(_(BAD_INTEGER))


def choice(choices: Iterable[tuple[str, Any]]) -> Callable[[Any], str]:
    """A TextChoices column: accepts the Chinese label or the stored value."""
    pairs = [(str(v), str(label)) for v, label in choices]
    by_text = {label: v for v, label in pairs} | {v: v for v, _label in pairs}

    def parse(value: Any) -> str:
        raw = "" if value is None else str(value).strip()
        if raw == "":
            return ""
        if raw in by_text:
            return by_text[raw]
        if raw.lower() in by_text:
            return by_text[raw.lower()]
        raise CellError(_(BAD_CHOICE) % {"choices": "、".join(label for _v, label in pairs)})

    return parse


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Callable[[Any], Any] = field(default_factory=text)
    required: bool = False
    example: Any = ""
    help: str = ""


@dataclass
class Sheet:
    """The parsed rows: ``(row_number, {key: value})`` for every non-empty data row."""

    rows: list[tuple[int, dict[str, Any]]]
    errors: list[RowError]
    headers: dict[str, str]  # key -> header as found in the file


# Spreadsheets carry personal data (rosters hold ID numbers): a crash while reading must not
# print cell values into the error report.
@sensitive_variables()
def read_table(
    fileobj,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cols: int = DEFAULT_MAX_COLS,
    consume=None,
):
    """The one reader of uploaded spreadsheets: the first sheet's rows as tuples of values
    (header included, at most ``max_cols + 1`` wide), checked and bounded while streaming.

    ``consume(rows)`` receives the row iterator (and its result is returned) so that a caller
    parses rows as they stream; without it, the rows are returned as a list. Raises
    ``ImportRefused`` for a file that must not or cannot be read at all.
    """
    check_archive(fileobj, max_rows=max_rows, max_cols=max_cols)
    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except ImportRefused:
        raise
    except Exception as error:
        raise ImportRefused(_(UNREADABLE) % {"error": type(error).__name__}) from error
    try:
        if not workbook.worksheets:
            raise ImportRefused(_(EMPTY_SHEET))
        sheet = workbook.worksheets[0]
        # Explicit bounds: openpyxl never pads to the sheet's declared size.
        rows = _bounded(
            sheet.iter_rows(
                max_row=max_rows + 2 + BLANK_ROW_ALLOWANCE,
                max_col=max_cols + 1,
                values_only=True,
            ),
            max_rows=max_rows,
            max_cols=max_cols,
        )
        return consume(rows) if consume is not None else list(rows)
    except ImportRefused:
        raise
    except Exception as error:
        raise ImportRefused(_(UNREADABLE) % {"error": type(error).__name__}) from error
    finally:
        workbook.close()


def _bounded(rows, *, max_rows: int, max_cols: int):
    """Stop at the caps while streaming: data rows, blank rows, cells beyond the last column."""
    data_rows = 0
    for number, values in enumerate(rows, start=1):
        # Blank rows are skipped but still counted: a sheet that jumps to row 1,000,000 stops.
        if number > max_rows + 1 + BLANK_ROW_ALLOWANCE:
            raise ImportRefused(_(TOO_MANY_ROWS) % {"limit": max_rows})
        if len(values) > max_cols and any(v not in (None, "") for v in values[max_cols:]):
            raise ImportRefused(_(TOO_MANY_COLS) % {"limit": max_cols})
        if any(v not in (None, "") for v in values):
            data_rows += 1
            if data_rows > max_rows + 1:  # the header and max_rows rows of data
                raise ImportRefused(_(TOO_MANY_ROWS) % {"limit": max_rows})
        yield tuple(values[:max_cols])


@sensitive_variables()
def read_rows(
    fileobj,
    columns: Sequence[Column],
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cols: int = DEFAULT_MAX_COLS,
) -> Sheet:
    """Read the first sheet of an uploaded .xlsx into typed rows, collecting every bad cell.

    Raises ``ImportRefused`` for a file that must not or cannot be read at all.
    """
    return read_table(
        fileobj,
        max_rows=max_rows,
        max_cols=max_cols,
        consume=lambda rows: _parse(rows, columns, max_rows=max_rows),
    )


@sensitive_variables()
def _parse(table, columns: Sequence[Column], *, max_rows: int) -> Sheet:
    by_header = {_norm(c.header): c for c in columns}
    index: dict[int, Column] = {}
    headers: dict[str, str] = {}
    rows: list[tuple[int, dict[str, Any]]] = []
    errors: list[RowError] = []
    header_seen = False
    data_rows = 0
    for number, values in enumerate(table, start=1):
        if all(v in (None, "") for v in values):
            continue
        if not header_seen:
            header_seen = True
            for i, value in enumerate(values):
                column = by_header.get(_norm(value))
                if column is not None and column.key not in headers:
                    index[i] = column
                    headers[column.key] = str(value).strip()
            missing = [str(c.header) for c in columns if c.required and c.key not in headers]
            if missing:
                errors.append(
                    RowError(number, "", _(MISSING_COLUMNS) % {"columns": "、".join(missing)})
                )
                return Sheet(rows=[], errors=errors, headers=headers)
            continue
        data_rows += 1
        if data_rows > max_rows:
            raise ImportRefused(_(TOO_MANY_ROWS) % {"limit": max_rows})
        record: dict[str, Any] = {}
        for i, column in index.items():
            raw = values[i] if i < len(values) else None
            try:
                value = column.parse(raw)
            except CellError as error:
                errors.append(RowError(number, column.header, str(error)))
                continue
            if column.required and value in (None, ""):
                errors.append(RowError(number, column.header, _(REQUIRED)))
                continue
            record[column.key] = value
        rows.append((number, record))
    if not header_seen:
        errors.append(RowError(1, "", _(EMPTY_SHEET)))
    return Sheet(rows=rows, errors=errors, headers=headers)


def _norm(value: Any) -> str:
    return "" if value is None else str(value).strip().replace(" ", "").rstrip("*＊")


def template_response(filename: str, columns: Sequence[Column], examples: Sequence[Sequence[Any]]):
    """A template workbook: the headers (required ones marked *) and example rows."""
    headers = [c.header + ("*" if c.required else "") for c in columns]
    return xlsx_response(filename, headers, examples, title=_("导入模板"))
