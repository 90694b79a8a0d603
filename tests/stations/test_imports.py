"""Excel import: safe reading of hostile files, whole-file validation, idempotent re-import."""

from __future__ import annotations

import io
import re
import time
import zipfile

import defusedxml.common
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal import imports as safe
from portal.models import AuditEvent
from stations.imports import ContractImporter, InstitutionImporter, StationImporter
from stations.models import Contract, Institution, Station
from stations.rules import make_credit_code

pytestmark = pytest.mark.django_db


def workbook_bytes(headers, rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(headers, rows, name="导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, workbook_bytes(headers, rows))


def errors_of(result):
    return [(e.row, e.column, e.message) for e in result.errors]


def bad_code(seed) -> str:
    good = make_credit_code(seed)
    return good[:-1] + ("0" if good[-1] != "0" else "1")


# --- hostile files --------------------------------------------------------------------------


def rewrite_member(data: bytes, member: str, transform) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                content = transform(content)
            target.writestr(info.filename, content)
    return out.getvalue()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>\n"
)


def entity_bomb() -> bytes:
    data = workbook_bytes(["站点编号"], [["&lol9;"]])

    def poison(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml.lstrip())
        body = body.replace(b"<v>", b"<v>&lol9;", 1) if b"<v>" in body else body
        return BILLION_LAUGHS + body

    return rewrite_member(data, "xl/worksheets/sheet1.xml", poison)


def test_a_zip_bomb_is_refused_before_anything_is_decompressed():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    assert len(out.getvalue()) < 200 * 1024  # small on the wire
    bomb = SimpleUploadedFile("bomb.xlsx", out.getvalue())
    started = time.monotonic()
    with pytest.raises(safe.ImportRefused) as refused:
        StationImporter(None).run(bomb)
    assert time.monotonic() - started < 1.0
    assert "压缩炸弹" in refused.value.message


def test_an_archive_that_declares_too_much_in_total_is_refused(monkeypatch):
    monkeypatch.setattr(safe, "MAX_UNCOMPRESSED_BYTES", 2000)
    with pytest.raises(safe.ImportRefused) as refused:
        safe.check_archive(io.BytesIO(workbook_bytes(["a"], [["b"]] * 50)))
    assert "压缩炸弹" in refused.value.message


def test_an_xml_entity_bomb_is_refused_quickly():
    started = time.monotonic()
    with pytest.raises(safe.ImportRefused) as refused:
        StationImporter(None).run(SimpleUploadedFile("lol.xlsx", entity_bomb()))
    assert time.monotonic() - started < 1.0
    assert "实体" in refused.value.message


def test_openpyxl_itself_parses_through_defusedxml():
    # The second line of defence, should the prologue scan ever miss a declaration.
    assert openpyxl.DEFUSEDXML is True
    with pytest.raises(Exception) as caught:  # openpyxl wraps the parser's error
        wb = openpyxl.load_workbook(io.BytesIO(entity_bomb()), read_only=True)
        list(wb.worksheets[0].iter_rows(values_only=True))
    chain, error = [], caught.value
    while error is not None:
        chain.append(error)
        error = error.__cause__ or error.__context__
    assert any(isinstance(e, defusedxml.common.EntitiesForbidden) for e in chain)


@pytest.mark.parametrize(
    "content",
    [
        b"code,name\nTH-001,x\n",
        b"PK\x03\x04 not really a zip",
    ],
)
def test_files_that_are_not_workbooks_are_refused(content):
    with pytest.raises(safe.ImportRefused) as refused:
        StationImporter(None).run(SimpleUploadedFile("x.xlsx", content))
    assert "不是有效的 Excel" in refused.value.message


def test_a_zip_without_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(safe.ImportRefused):
        safe.check_archive(io.BytesIO(out.getvalue()))


def test_a_sheet_declaring_too_many_rows_is_refused_from_its_dimension():
    data = workbook_bytes(["站点编号"], [[f"X{n}"] for n in range(60)])
    with pytest.raises(safe.ImportRefused) as refused:
        safe.read_rows(io.BytesIO(data), StationImporter.columns, max_rows=50)
    assert "50" in refused.value.message


def test_a_sheet_hiding_its_size_is_stopped_while_streaming():
    data = workbook_bytes(["站点编号"], [[f"X{n}"] for n in range(60)])
    undimensioned = rewrite_member(
        data, "xl/worksheets/sheet1.xml", lambda xml: re.sub(rb"<dimension[^>]*/>", b"", xml)
    )
    assert b"<dimension" not in zipfile.ZipFile(io.BytesIO(undimensioned)).read(
        "xl/worksheets/sheet1.xml"
    )
    with pytest.raises(safe.ImportRefused) as refused:
        safe.read_table(io.BytesIO(undimensioned), max_rows=50)
    assert "50" in refused.value.message


def test_a_sheet_too_wide_is_refused():
    data = workbook_bytes([f"c{n}" for n in range(30)], [["x"] * 30])
    with pytest.raises(safe.ImportRefused):
        safe.read_rows(io.BytesIO(data), StationImporter.columns, max_cols=20)


def test_an_oversized_upload_is_refused(monkeypatch):
    monkeypatch.setattr(safe, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(safe.ImportRefused) as refused:
        safe.check_archive(io.BytesIO(workbook_bytes(["a"], [["b"]])))
    assert "过大" in refused.value.message


# --- whole-file validation ------------------------------------------------------------------

INSTITUTION_HEADERS = ["统一社会信用代码", "机构名称", "法定代表人", "社会组织等级", "登记日期"]
STATION_HEADERS = ["站点编号", "站点名称", "区", "镇街", "站长", "管理模式", "成立日期"]
CONTRACT_HEADERS = [
    "合同编号",
    "站点编号",
    "承接机构",
    "服务年度",
    "开始日期",
    "结束日期",
    "年度项目经费（元）",
]


def test_a_file_with_bad_rows_lists_each_and_writes_nothing(world):
    good = make_credit_code(31)
    before = (Institution.objects.count(), AuditEvent.objects.count())
    result = InstitutionImporter(world.city_admin).run(
        upload(
            INSTITUTION_HEADERS,
            [
                [good, "广州市丁社会工作服务中心", "钱七", "4A", "2016-01-05"],
                [bad_code(32), "广州市戊社会工作服务中心", "孙八", "3A", "2016-01-05"],
                [good, "广州市己社会工作服务中心", "", "", ""],
                [make_credit_code(33), "广州市丁社会工作服务中心", "", "", ""],
                [make_credit_code(34), "广州市庚社会工作服务中心", "", "6A", "2016-02-30"],
                [make_credit_code(35), world.institution_a.name, "", "", ""],
            ],
        )
    )
    assert not result.ok and not result.committed
    found = errors_of(result)
    rows = {(row, column) for row, column, _message in found}
    assert (3, "统一社会信用代码") in rows
    assert (4, "统一社会信用代码") in rows  # the same code as row 2
    assert (5, "机构名称") in rows  # the same name as row 2
    assert (6, "社会组织等级") in rows and (6, "登记日期") in rows
    assert (7, "机构名称") in rows  # already registered under another code
    messages = {(r, c): m for r, c, m in found}
    assert "GB 32100" in messages[(3, "统一社会信用代码")]
    assert "第2行" in messages[(4, "统一社会信用代码")]
    assert 2 not in {row for row, _c, _m in found}
    assert (Institution.objects.count(), AuditEvent.objects.count()) == before


def test_station_rows_with_unknown_or_out_of_reach_streets_are_listed(world):
    result = StationImporter(world.district_a_officer).run(
        upload(
            STATION_HEADERS,
            [
                ["TH-101", "新站一", "天河区", "五山街道", "", "", ""],
                ["TH-102", "新站二", "", "不存在街道", "", "", ""],
                ["TH-103", "新站三", "海珠区", "赤岗街道", "", "", ""],
                ["TH-101", "新站一重复", "天河区", "员村街道", "", "", ""],
                ["TH-104", "新站四", "天河区", "员村街道", "", "某模式", "昨天"],
            ],
        )
    )
    found = {(row, column): message for row, column, message in errors_of(result)}
    assert "找不到镇街" in found[(3, "镇街")]
    assert "管辖范围" in found[(4, "镇街")]
    assert "第2行" in found[(5, "站点编号")]
    assert (6, "管理模式") in found and (6, "成立日期") in found
    assert not Station.objects.filter(code__in=["TH-101", "TH-102"]).exists()


def test_contract_rows_overlapping_the_database_or_each_other_are_listed(world, today):
    next_year = today.year + 1
    result = ContractImporter(world.city_admin).run(
        upload(
            CONTRACT_HEADERS,
            [
                [
                    "",
                    "TH-001",
                    world.institution_b.credit_code,
                    today.year,
                    f"{today.year}-06-01",
                    f"{today.year}-12-31",
                    2400000,
                ],
                ["", "TH-002", world.institution_a.name, next_year, "", "", ""],
                [
                    "",
                    "TH-002",
                    world.institution_b.name,
                    next_year,
                    f"{next_year}-07-01",
                    "",
                    "",
                ],
                ["", "TH-999", world.institution_b.name, next_year, "", "", ""],
                ["", "HZ-001", "不存在的机构", next_year, "", "", "-100"],
            ],
        )
    )
    found = {(row, column): message for row, column, message in errors_of(result)}
    assert world.contract_a1.code in found[(2, "开始日期")]
    assert "第3行" in found[(4, "开始日期")]
    assert "TH-999" in found[(5, "站点编号")]
    assert any(row == 6 for row, _column in found)
    assert Contract.objects.count() == 3  # the world's, nothing new


# --- clean files ----------------------------------------------------------------------------


def clean_files(world, year):
    """Files that import cleanly; their contracts are for service year ``year``."""
    code_d, code_e = make_credit_code(41), make_credit_code(42)
    institutions = (
        INSTITUTION_HEADERS,
        [
            [code_d, "广州市丁社会工作服务中心", "钱七", "4A", "2016-01-05"],
            [code_e, "广州市戊社会工作服务中心", "孙八", "", ""],
            [world.institution_a.credit_code, world.institution_a.name, "张三", "5A", ""],
        ],
    )
    stations = (
        STATION_HEADERS,
        [
            ["TH-201", "天河新站", "天河区", "五山街道", "周九", "常规模式", "2020-01-01"],
            ["TH-202", "员村新站", "", "440106002", "", "", ""],
            ["TH-001", world.station_a1.name, "", "五山街道", "吴十", "", ""],
        ],
    )
    contracts = (
        CONTRACT_HEADERS,
        [
            ["", "TH-201", code_d, year, "", "", ""],
            [
                "HT-IMPORT-1",
                "TH-202",
                "广州市戊社会工作服务中心",
                year,
                f"{year}-01-01",
                f"{year}-12-31",
                "1854000.00",
            ],
            ["", "TH-001", world.institution_a.credit_code, year, "", "", ""],
        ],
    )
    return institutions, stations, contracts


def test_a_clean_file_imports_and_a_reimport_changes_nothing(world, today):
    institutions, stations, contracts = clean_files(world, today.year + 1)
    admin = world.city_admin

    first = [
        InstitutionImporter(admin).run(upload(*institutions)),
        StationImporter(admin).run(upload(*stations)),
        ContractImporter(admin).run(upload(*contracts)),
    ]
    for result in first:
        assert result.ok and result.committed, errors_of(result)
    assert [(r.created, r.updated, r.unchanged) for r in first] == [(2, 1, 0), (2, 1, 0), (3, 0, 0)]
    assert Station.objects.get(code="TH-202").subdistrict.code == "440106002"
    assert Station.objects.get(code="TH-001").head_name == "吴十"
    assert str(Contract.objects.get(code="HT-IMPORT-1").annual_fee) == "1854000.00"
    assert AuditEvent.objects.filter(action="import").count() == 3
    assert AuditEvent.objects.filter(object_type="stations.station", action="create").exists()

    audit_rows = AuditEvent.objects.count()
    counts = (Institution.objects.count(), Station.objects.count(), Contract.objects.count())
    again = [
        InstitutionImporter(admin).run(upload(*institutions)),
        StationImporter(admin).run(upload(*stations)),
        ContractImporter(admin).run(upload(*contracts)),
    ]
    assert [(r.created, r.updated, r.unchanged, r.errors) for r in again] == [
        (0, 0, 3, []),
        (0, 0, 3, []),
        (0, 0, 3, []),
    ]
    assert AuditEvent.objects.count() == audit_rows
    assert (
        Institution.objects.count(),
        Station.objects.count(),
        Contract.objects.count(),
    ) == counts


def test_a_check_only_run_writes_nothing(world, today):
    _institutions, stations, _contracts = clean_files(world, today.year + 1)
    result = StationImporter(world.city_admin).run(upload(*stations), dry_run=True)
    assert result.ok and not result.committed and result.created == 2
    assert not Station.objects.filter(code="TH-201").exists()


# --- the upload page ------------------------------------------------------------------------


def test_the_upload_page_previews_errors_and_reports_the_result(world, login):
    client = login(world.district_a_officer)
    url = reverse("stations:import", args=["stations"])
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"file": upload(STATION_HEADERS, [["TH-301", "站", "", "不存在街道", "", "", ""]])}
    )
    assert bad.status_code == 400
    assert "找不到镇街" in bad.content.decode()
    good = client.post(
        url, {"file": upload(STATION_HEADERS, [["TH-302", "站", "天河区", "五山街道", "", "", ""]])}
    )
    assert good.status_code == 200
    assert "新增 1" in good.content.decode()
    assert Station.objects.filter(code="TH-302").exists()
    bomb = client.post(url, {"file": SimpleUploadedFile("lol.xlsx", entity_bomb())})
    assert "实体" in bomb.content.decode()


def test_the_template_workbook_has_the_columns(world, login):
    client = login(world.city_admin)
    response = client.get(reverse("stations:import_template", args=["contracts"]))
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    headers = [c.value for c in wb.active[1]]
    assert "站点编号*" in headers and "承接机构*" in headers and "合同编号" in headers


def test_roles_that_only_read_may_not_import(world, login):
    for persona in ("station_a1_manager", "subdistrict_a1_officer"):
        client = login(getattr(world, persona))
        assert client.get(reverse("stations:import", args=["stations"])).status_code == 403
    assert (
        login(world.city_admin).get(reverse("stations:import", args=["nothing"])).status_code == 404
    )


def test_an_imported_code_with_a_forbidden_letter_is_called_malformed_not_confirmable(world):
    good = make_credit_code(36)
    forbidden = good[:12] + "Z" + good[13:]
    result = InstitutionImporter(world.city_admin).run(
        upload(INSTITUTION_HEADERS, [[forbidden, "广州市辛社会工作服务中心", "", "", ""]])
    )
    assert not result.ok and not result.committed
    ((row, column, message),) = errors_of(result)
    assert (row, column) == (2, "统一社会信用代码")
    assert "第13位字符“Z”" in message and "格式不正确的代码不能登记" in message
    assert "市级管理员" not in message
    assert not Institution.objects.filter(name="广州市辛社会工作服务中心").exists()
