"""Pages: scoped lists and person pages with masked ID numbers, the audited unmask, the
staffing board with a fixed number of queries, figures, programmes and exports."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from portal.choices import AuditAction
from portal.models import AuditEvent
from portal.scoping import SYSTEM
from talent import services
from talent.choices import CertificateLevel
from tests.talent.conftest import hire

pytestmark = pytest.mark.django_db


def test_the_people_list_is_scoped_and_masked(people, world, login):
    client = login(world.station_a1_manager)
    response = client.get(reverse("talent:worker_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert people.ana.name in html and people.bo.name not in html
    assert people.ana.id_number_masked in html
    assert people.ana_id not in html
    assert people.ana_id[6:14] not in html  # the birth date never shows


def test_an_outsider_gets_404_on_a_person_page(people, world, login):
    assert (
        login(world.station_b1_manager)
        .get(reverse("talent:worker_detail", args=[people.ana.pk]))
        .status_code
        == 404
    )
    assert (
        login(world.district_a_officer)
        .get(reverse("talent:worker_detail", args=[people.ana.pk]))
        .status_code
        == 200
    )


def test_the_person_page_shows_the_mask_and_the_unmask_form_to_the_own_institution(
    people, world, login
):
    client = login(world.institution_a_admin)
    url = reverse("talent:worker_detail", args=[people.ana.pk])
    html = client.get(url).content.decode()
    assert people.ana.id_number_masked in html and people.ana_id not in html
    assert reverse("talent:worker_unmask", args=[people.ana.pk]) in html
    response = client.post(
        reverse("talent:worker_unmask", args=[people.ana.pk]), {"reason": "办理登记续期核对"}
    )
    assert response.status_code == 200
    assert people.ana_id in response.content.decode()
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.SENSITIVE_READ, actor_id=world.institution_a_admin.pk
        ).count()
        == 1
    )


def test_a_district_officer_cannot_unmask(people, world, login):
    client = login(world.district_a_officer)
    html = client.get(reverse("talent:worker_detail", args=[people.ana.pk])).content.decode()
    assert reverse("talent:worker_unmask", args=[people.ana.pk]) not in html
    response = client.post(
        reverse("talent:worker_unmask", args=[people.ana.pk]), {"reason": "想看完整号码"}
    )
    assert response.status_code == 403
    assert people.ana_id not in response.content.decode()


def test_the_lookup_by_full_number_is_posted_and_redirects_to_the_person(people, world, login):
    client = login(world.city_officer)
    response = client.post(reverse("talent:worker_lookup"), {"id_number": people.ana_id})
    assert response.status_code == 302
    assert response["Location"] == reverse("talent:worker_detail", args=[people.ana.pk])
    outsider = login(world.station_b1_manager).post(
        reverse("talent:worker_lookup"), {"id_number": people.ana_id}
    )
    assert outsider["Location"] == reverse("talent:worker_list")


def test_the_people_list_runs_a_fixed_number_of_queries(
    people, world, login, django_assert_max_num_queries
):
    client = login(world.city_admin)
    with django_assert_max_num_queries(14) as few:
        assert client.get(reverse("talent:worker_list")).status_code == 200
    for i in range(15):
        hire(world.station_a2, name=f"社工{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("talent:worker_list")).status_code == 200


def _sheet(response):
    content = b"".join(response.streaming_content)
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_exports_are_masked_unless_an_allowed_role_asks_with_a_reason(people, world, login):
    client = login(world.institution_a_admin)
    rows = _sheet(client.get(reverse("talent:worker_list") + "?export=xlsx"))
    assert people.ana.id_number_masked in [r[1] for r in rows]
    rows = _sheet(
        client.get(reverse("talent:worker_list") + "?export=xlsx&unmask=1&reason=年度名册报送")
    )
    values = {r[0]: r[1] for r in rows[1:]}
    assert values[people.ana.name] == people.ana_id
    # cai now works for institution B: still masked for A's admin.
    assert values[people.cai.name] == people.cai.id_number_masked
    assert AuditEvent.objects.filter(action=AuditAction.SENSITIVE_READ).exists()
    refused = login(world.district_a_officer).get(
        reverse("talent:worker_list") + "?export=xlsx&unmask=1&reason=年度名册报送"
    )
    assert refused.status_code == 403


def test_the_staffing_board_runs_the_same_queries_for_one_or_many_stations(
    people, world, login, django_assert_max_num_queries
):
    client = login(world.city_officer)
    with django_assert_max_num_queries(14) as few:
        assert client.get(reverse("talent:board")).status_code == 200
    for i in range(10):
        hire(world.station_b1 if i % 2 else world.station_a2, name=f"新人{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("talent:board"))
    assert world.station_a1.name in response.content.decode()


def test_the_board_shows_worst_stations_first_and_counts_expiring_registrations(
    people, world, today
):
    from talent.selectors import staffing_board

    cert = services.certificate_add(
        actor=SYSTEM,
        person=people.ana,
        level=CertificateLevel.ASSISTANT,
        number="B-1",
        year_passed=2020,
    )
    start = today - dt.timedelta(days=3 * 365 - 20)
    services.registration_add(actor=SYSTEM, certificate=cert, starts_on=start)
    board = staffing_board(world.city_officer)
    a1 = next(r for r in board if r.station_id == world.station_a1.pk)
    assert a1.headcount == 1 and a1.certified == 1 and a1.assistant == 1
    assert a1.vacancies == 19
    assert a1.expiring_30 == 1 and a1.expiring_window == 1
    assert a1.ce_shortfalls == 1
    assert not a1.head_in_post
    institution_board = staffing_board(world.institution_a_admin)
    assert [r.station_id for r in institution_board] == [world.station_a1.pk]


def test_figures_page_hands_chart_data_to_static_js(people, world, login):
    response = login(world.city_officer).get(reverse("talent:figures"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="talent-figures-data"' in html and "js/talent_figures.js" in html
    assert "<script>" not in html.replace('<script id="talent-figures-data"', "")


def test_programme_pages_and_enrolment(people, world, login):
    client = login(world.city_officer)
    response = client.post(
        reverse("talent:programme_create"),
        {
            "year": 2025,
            "kind": "pre_exam",
            "title": "考前培训班",
            "provider": "协会",
            "budget": "100000.00",
            "places": 10,
        },
    )
    assert response.status_code == 302
    programme_url = response["Location"]
    assert client.get(programme_url).status_code == 200
    assert client.get(reverse("talent:programme_list")).status_code == 200
    assert (
        login(world.institution_a_admin)
        .post(
            reverse("talent:programme_create"),
            {
                "year": 2025,
                "kind": "pre_exam",
                "title": "x",
                "provider": "y",
                "budget": "1",
                "places": 1,
            },
        )
        .status_code
        == 403
    )


def test_the_station_page_has_a_staff_tab(people, world):
    from stations.tabs import station_tabs

    assert "staff" in [t.key for t in station_tabs()]


def _header_cells(html: str) -> list[str]:
    head = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    cells = re.findall(r"<th\b[^>]*>(.*?)</th>", head, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]


def test_every_column_of_the_people_list_has_a_header_and_the_sortable_ones_sort(
    people, world, login
):
    html = login(world.city_admin).get(reverse("talent:worker_list")).content.decode()
    headers = _header_cells(html)
    assert headers == [
        "姓名",
        "身份证号",
        "当前社工站",
        "岗位",
        "最高证书等级",
        "登记有效期至",
        "本期继续教育学时",
    ]
    assert "?o=registration_expires_on" in html and "?o=ce_hours" in html
    assert "?o=name" in html


def test_the_in_post_filter_reads_all_yes_no_and_filters(people, world, login):
    client = login(world.city_admin)
    html = client.get(reverse("talent:worker_list")).content.decode()
    select = re.search(r'<select name="in_post".*?</select>', html, re.S).group(0)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select) == ["全部", "是", "否"]
    assert "未知" not in select
    assert "---------" not in html
    left = client.get(reverse("talent:worker_list") + "?in_post=false").content.decode()
    current = client.get(reverse("talent:worker_list") + "?in_post=true").content.decode()
    assert people.ana.name in current and people.ana.name not in left
    chosen = re.search(r'<select name="in_post".*?</select>', current, re.S).group(0)
    assert re.search(r'<option value="true" selected>是</option>', chosen)


def test_required_dropdowns_of_the_talent_forms_read_please_choose(people, world, login):
    from talent.models import Certificate, TrainingProgramme

    certificate = Certificate.objects.create(
        person=people.ana, level=CertificateLevel.ASSISTANT, number="C-9", year_passed=2020
    )
    programme = TrainingProgramme.objects.create(
        year=2025, kind="continuing", title="继续教育", provider="协会", budget=1000, places=5
    )
    client = login(world.city_admin)
    for url in (
        reverse("talent:worker_hire"),
        reverse("talent:employment_add", args=[people.ana.pk]),
        reverse("talent:registration_add", args=[certificate.person_id]),
        reverse("talent:enrol", args=[programme.pk]),
    ):
        html = client.get(url).content.decode()
        assert "---------" not in html, url
        assert "请选择" in html, url
    enrol = client.get(reverse("talent:enrol", args=[programme.pk])).content.decode()
    assert f"{people.ana.name}（{people.ana.id_number_masked}）" in enrol


def test_programme_budgets_read_as_yuan_with_separators_against_the_yearly_budget(world, login):
    from talent.models import TrainingProgramme

    programme = TrainingProgramme.objects.create(
        year=2025, kind="pre_exam", title="考前培训", provider="协会", budget=600000, places=300
    )
    client = login(world.city_officer)
    listing = client.get(reverse("talent:programme_list") + "?year=2025").content.decode()
    assert "600,000.00" in listing and "600000.00" not in listing
    assert "2025年度培训项目预算合计 600,000.00 元" in listing
    assert "3,000,000.00" in listing and "2,400,000.00" in listing
    detail = client.get(reverse("talent:programme_detail", args=[programme.pk])).content.decode()
    assert "600,000.00" in detail


def test_the_expiring_filter_is_the_renewal_window_of_the_policy(people, world, login, today):
    from portal.models import PolicyVersion
    from portal.selectors import policy_in_force
    from talent.models import SocialWorker

    # Ana's registration lapses in 80 days: inside a 3-month window, outside a 2-month one.
    SocialWorker.objects.filter(pk=people.ana.pk).update(
        registration_expires_on=today + dt.timedelta(days=80)
    )
    client = login(world.city_admin)
    url = reverse("talent:worker_list") + "?registration=expiring"
    assert people.ana.name in client.get(url).content.decode()
    PolicyVersion.objects.filter(pk=policy_in_force(today).pk).update(
        registration_renewal_window_months=2
    )
    assert people.ana.name not in client.get(url).content.decode()
