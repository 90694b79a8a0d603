"""portal.exports: what a spreadsheet user opens is what was exported, and nothing runs."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
from django.utils import timezone

from portal.exports import XLSX_CONTENT_TYPE, neutralise, xlsx_response

HEADERS = ["站点名称", "年度经费（元）", "成立日期", "更新时间", "在册"]


def read_back(response):
    body = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(body)).active


def test_it_answers_an_xlsx_attachment_with_the_chinese_filename():
    response = xlsx_response("社工站名册", HEADERS, [])
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    # RFC 5987 encoding of 社工站名册.xlsx
    assert "%E7%A4%BE%E5%B7%A5%E7%AB%99%E5%90%8D%E5%86%8C.xlsx" in response["Content-Disposition"]


def test_the_header_row_is_chinese_bold_and_frozen():
    ws = read_back(xlsx_response("x", HEADERS, [["五山街社工服务站", 1, None, None, True]]))
    assert [c.value for c in ws[1]] == HEADERS
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"


def test_cells_that_would_run_as_formulas_are_stored_as_text_with_an_apostrophe():
    dangerous = ['=HYPERLINK("http://evil","点我")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    ws = read_back(xlsx_response("x", ["值"], [[v] for v in dangerous]))
    cells = [row[0] for row in ws.iter_rows(min_row=2)]
    # XML reads a carriage return back as a newline; the apostrophe is what matters.
    assert [c.value for c in cells] == ["'" + v.replace("\r", "\n") for v in dangerous]
    assert all(c.data_type == "s" for c in cells)


def test_harmless_text_is_left_alone():
    assert neutralise("五山街社工服务站") == "五山街社工服务站"
    assert neutralise("a=b") == "a=b"


def test_decimals_are_numbers_with_two_decimals_and_dates_are_dates():
    at = timezone.make_aware(dt.datetime(2024, 3, 1, 9, 30, 5))
    ws = read_back(
        xlsx_response(
            "x",
            HEADERS,
            [["五山街社工服务站", Decimal("2400000.00"), dt.date(2019, 7, 1), at, False]],
        )
    )
    _name, fee, founded, updated, listed = ws[2]
    assert fee.data_type == "n"
    assert fee.value == 2400000
    assert fee.number_format == "0.00"
    assert founded.is_date
    assert founded.value.date() == dt.date(2019, 7, 1)
    assert founded.number_format == "yyyy-mm-dd"
    # Written in local time (Asia/Shanghai), the wall clock the user saw on screen.
    assert updated.value == dt.datetime(2024, 3, 1, 9, 30, 5)
    assert listed.value == "否"


def test_negative_amounts_stay_numbers():
    ws = read_back(xlsx_response("x", ["金额"], [[Decimal("-12.50")]]))
    cell = ws["A2"]
    assert cell.data_type == "n"
    assert cell.value == -12.5


def test_columns_are_wide_enough_for_chinese_text():
    long_name = "广州市天河区五山街道家庭综合服务中心"
    ws = read_back(xlsx_response("x", ["名称", "ID"], [[long_name, 1]]))
    assert ws.column_dimensions["A"].width >= len(long_name) * 2
    assert ws.column_dimensions["B"].width < ws.column_dimensions["A"].width


def test_rows_may_come_from_a_generator():
    rows = ([f"站{i}", Decimal(i)] for i in range(1000))
    ws = read_back(xlsx_response("x", ["名称", "金额"], rows))
    assert ws.max_row == 1001
    assert ws["A1001"].value == "站999"
