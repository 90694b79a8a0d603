"""Excel import of spending lines: all or nothing, every bad row listed."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from funding import services
from funding.models import SpendingReport
from tests.factories import ContractFactory
from tests.funding.conftest import report

pytestmark = pytest.mark.django_db


def _xlsx(rows, headers=("期次", "科目", "金额（元）", "说明")):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "spending.xlsx"
    return buf


def test_a_clean_sheet_creates_draft_reports_per_period(world, today):
    # Last year's contract: both months of the sheet have come on any day of the year.
    contract = ContractFactory(
        station=world.station_a1, institution=world.institution_a, service_year=today.year - 1
    )
    result = services.spending_import(
        actor=world.station_a1_manager,
        contract=contract,
        fileobj=_xlsx(
            [
                (1, "人员经费：工资", 120000, "1月"),
                (1, "服务活动费", "25,000.50", ""),
                (2, "salaries", 121000, ""),
            ]
        ),
    )
    assert result.ok and result.created == 2
    january = SpendingReport.objects.get(contract=contract, period=1)
    assert january.status == "draft" and january.total == Decimal("145000.50")
    assert january.personnel == Decimal("120000.00")


# A sheet sent late in the year: March is confirmed already and December has not yet come.
@pytest.mark.clock("2026-11-27T10:00")
def test_a_sheet_with_bad_rows_lists_each_and_writes_nothing(world):
    report(world, 3, "140000.00", status="approved")
    result = services.spending_import(
        actor=world.station_a1_manager,
        contract=world.contract_a1,
        fileobj=_xlsx(
            [
                (1, "人员经费：工资", 120000, ""),
                (1, "人员经费：工资", 1, ""),
                (2, "吃饭", 1, ""),
                (2, "其他", "一万元", ""),
                (2, "其他", -5, ""),
                (2, "办公和行政费", "1.001", ""),
                (3, "其他", 1, ""),
                (13, "其他", 1, ""),
                (12, "其他", 1, ""),
            ]
        ),
    )
    assert not result.ok
    text = [str(e) for e in result.errors]
    assert [e.row for e in result.errors] == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "第3行「科目」列：与第2行重复" in text[0]
    assert "第4行「科目」列" in text[1]
    assert text[2] == "第5行「金额（元）」列：不是有效金额。"
    assert "金额不能为负数" in text[3]
    assert "两位小数" in text[4]
    assert "已锁定" in text[5]
    assert "期次 13 无效" in text[6]
    assert "尚未到来" in text[7]
    assert SpendingReport.objects.count() == 1  # only the approved March report


def test_a_file_that_is_not_a_workbook_is_refused_whole(world):
    bogus = io.BytesIO(b"MZ this is not excel")
    bogus.name = "x.xlsx"
    result = services.spending_import(
        actor=world.station_a1_manager, contract=world.contract_a1, fileobj=bogus
    )
    assert not result.ok and "不是有效的 Excel" in str(result.errors[0])
