"""Roster import: the whole file is checked first, every bad row is listed, nothing is
written unless the file is clean, and importing the same file twice changes nothing."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from talent import roster
from talent.models import Certificate, Employment, SocialWorker
from tests.talent.conftest import new_id

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in roster.COLUMNS]


def workbook(rows) -> io.BytesIO:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append([row.get(c.key, "") for c in roster.COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def row(station, **kw):
    base = {
        "name": "张三",
        "id_number": new_id(),
        "station_code": station.code,
        "position": "一线社工",
        "employment_type": "全职",
        "starts_on": "2024-03-01",
    }
    base.update(kw)
    return base


def test_a_clean_roster_is_written_and_a_second_import_changes_nothing(world):
    rows = [row(world.station_a1, name=f"社工{i}") for i in range(5)]
    rows[0].update(level="社会工作师", certificate_number="ZS2020-1", year_passed=2020)
    data = workbook(rows).getvalue()
    first = roster.roster_import(actor=world.institution_a_admin, fileobj=io.BytesIO(data))
    assert first.ok, first.errors
    assert (first.people_created, first.employments_created, first.certificates_created) == (
        5,
        5,
        1,
    )
    assert set(Employment.objects.values_list("institution", flat=True)) == {world.institution_a.pk}
    person = SocialWorker.objects.get(name="社工0")
    assert person.highest_level == "intermediate"
    second = roster.roster_import(actor=world.institution_a_admin, fileobj=io.BytesIO(data))
    assert second.ok and not second.changed
    assert SocialWorker.objects.count() == 5 and Employment.objects.count() == 5
    assert Certificate.objects.count() == 1


def test_every_bad_row_is_listed_and_nothing_is_written(people, world):
    twin = new_id()
    rows = [
        row(world.station_a1, name="好人"),
        row(world.station_a1, id_number="440106199001011230"),
        row(world.station_b1),
        row(world.station_a1, id_number=twin, name="双胞"),
        row(world.station_a1, id_number=twin, name="双胞"),
        row(world.station_a1, id_number=people.ana_id, name="李安娜", starts_on="2024-06-01"),
        row(world.station_a1, starts_on="2024-03-01", ends_on="2024-01-01"),
        row(world.station_a1, level="博士社工师", certificate_number="X", year_passed=2020),
    ]
    result = roster.roster_import(actor=world.institution_a_admin, fileobj=workbook(rows))
    assert not result.ok
    by_row = {(e.row, e.column): e.message for e in result.errors}
    assert by_row[(3, "身份证号")] == "身份证号校验位不正确（GB 11643）。"
    assert "不在您可以登记人员的社工站范围内" in by_row[(4, "站点编号")]
    assert "与第5行重复" in by_row[(6, "")]
    assert world.station_a1.name in by_row[(7, "入职日期")]
    assert by_row[(8, "离职日期")] == roster.END_BEFORE_START
    assert "不是可选值之一" in by_row[(9, "证书等级")]
    assert 2 not in {e.row for e in result.errors}
    assert SocialWorker.objects.filter(name="好人").count() == 0
    assert "440106199001011230" not in " ".join(str(e) for e in result.errors)


def test_two_full_time_rows_of_one_person_in_the_file_are_refused(world):
    same = new_id()
    rows = [
        row(world.station_a1, id_number=same, name="甲"),
        row(world.station_a1, id_number=same, name="甲", starts_on="2024-05-01", position="督导"),
    ]
    result = roster.roster_import(actor=world.city_admin, fileobj=workbook(rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "入职日期")]
    assert "与第2行的全职任职时间重叠" in result.errors[0].message


def test_the_import_page_lists_errors_with_row_numbers(world, login):
    client = login(world.institution_a_admin)
    rows = [row(world.station_b1)]
    upload = workbook(rows)
    upload.name = "roster.xlsx"
    response = client.post(reverse("talent:roster_import"), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "未导入任何数据" in html and world.station_b1.code in html
    assert client.get(reverse("talent:roster_template")).status_code == 200


def test_a_station_manager_imports_for_their_station_only(world):
    rows = [row(world.station_a1, starts_on=dt.date(2024, 1, 2))]
    result = roster.roster_import(actor=world.station_a1_manager, fileobj=workbook(rows))
    assert result.ok, result.errors
    assert Employment.objects.get().institution == world.institution_a
