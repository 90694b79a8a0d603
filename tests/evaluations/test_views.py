"""Pages and API: scope (404 outside, 403 not allowed), locks (409), query-count guards."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.choices import Scorer
from evaluations.models import Evaluation
from portal import clock
from tests.evaluations.conftest import leaves, score_everything
from tests.factories import ContractFactory, StationFactory

pytestmark = pytest.mark.django_db


def _scored(world, ev):
    ev = score_everything(world, ev)
    services.scoring_complete(actor=world.evaluator, evaluation=ev)
    ev.refresh_from_db()
    return ev


def test_district_b_cannot_see_a_district_a_evaluation(world, ev_a1, login):
    client = login(world.district_b_officer)
    assert client.get(reverse("evaluations:evaluation_detail", args=[ev_a1.pk])).status_code == 404
    assert client.get(f"/api/v1/evaluations/{ev_a1.pk}/").status_code == 404
    page = client.get(reverse("evaluations:evaluation_list"))
    assert "五山街社工服务站" not in page.content.decode()


def test_an_evaluator_sees_only_assigned_evaluations_while_the_assignment_lasts(
    world, ev_a1, login
):
    client = login(world.evaluator)
    url = reverse("evaluations:evaluation_detail", args=[ev_a1.pk])
    assert client.get(url).status_code == 404
    services.assignment_create(
        actor=world.city_officer, evaluations=[ev_a1], evaluator=world.evaluator
    )
    assert client.get(url).status_code == 200
    ids = [r["id"] for r in client.get("/api/v1/evaluations/").json()["results"]]
    assert ids == [ev_a1.pk]
    assignment = ev_a1.assignments.get()
    import datetime as dt

    yesterday = clock.today() - dt.timedelta(days=1)
    type(assignment).objects.filter(pk=assignment.pk).update(
        starts_on=yesterday - dt.timedelta(days=5), ends_on=yesterday
    )
    assert client.get(url).status_code == 404


def test_the_evaluator_reaches_the_assigned_station_only(world, ev_a1, login):
    from stations.models import Station

    services.assignment_create(
        actor=world.city_officer, evaluations=[ev_a1], evaluator=world.evaluator
    )
    world.evaluator.forget_assignments()
    seen = set(Station.objects.restrict(world.evaluator, "view").values_list("pk", flat=True))
    assert seen == {world.station_a1.pk}


def test_station_manager_may_view_but_not_score(world, ev_a1, login):
    client = login(world.station_a1_manager)
    lf = next(lf for lf in leaves(ev_a1) if lf.scorer == Scorer.EVALUATOR)
    response = client.post(
        f"/api/v1/evaluations/{ev_a1.pk}/scores/",
        {"version": ev_a1.version, "scores": [{"node": lf.id, "score": "1"}]},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_a_published_evaluation_answers_409_in_pages_and_api(world, assigned, login):
    ev = _scored(world, assigned)
    services.evaluation_publish(actor=world.city_officer, evaluation=ev)
    ev.refresh_from_db()
    lf = next(lf for lf in leaves(ev) if lf.scorer == Scorer.EVALUATOR)
    client = login(world.evaluator)
    api = client.post(
        f"/api/v1/evaluations/{ev.pk}/scores/",
        {"version": ev.version, "scores": [{"node": lf.id, "score": "1"}]},
        content_type="application/json",
    )
    assert api.status_code == 409 and "已发布并锁定" in api.json()["detail"]
    page = client.post(
        reverse("evaluations:scores_save", args=[ev.pk]),
        {"version": ev.version, f"score_{lf.id}": "1"},
    )
    assert page.status_code == 409 and "已发布并锁定" in page.content.decode()


@pytest.fixture
def published(world, assigned):
    """A published cycle: A1 scored, appealed, answered, decided and published with the rest."""
    ev = _scored(world, assigned)
    lf = next(lf for lf in leaves(ev) if lf.scorer == Scorer.EVALUATOR)
    appeal = services.appeal_file(
        actor=world.station_a1_manager,
        evaluation=ev,
        reason="评分偏低",
        items=[services.AppealInput(lf.id, lf.max_score, "档案齐全")],
        today=ev.cycle.appeal_starts_on,
    )
    services.appeal_answer(actor=world.evaluator, appeal=appeal, answer="维持")
    services.appeal_decide(actor=world.city_officer, appeal=appeal, decision="rejected")
    Evaluation.objects.filter(cycle=ev.cycle).exclude(pk=ev.pk).update(status="published")
    services.cycle_publish(actor=world.city_officer, cycle=ev.cycle)
    ev.refresh_from_db()
    ev.cycle.refresh_from_db()
    assert ev.status == ev.cycle.status == "published"
    return ev, type(appeal).objects.get(pk=appeal.pk)


def test_every_evaluation_write_to_a_published_cycle_answers_409_before_field_errors(
    world, published, framework, login
):
    ev, appeal = published
    cycle, node = ev.cycle, framework.nodes.get(code="D2.1.1")
    evaluation = f"/api/v1/evaluations/{ev.pk}"
    bad = {"version": "x", "scores": "nope", "node": "x", "reason": "", "items": "x"}
    writes = [
        (world.evaluator, "post", f"{evaluation}/scores/", bad),
        (world.evaluator, "post", f"{evaluation}/complete/", {"version": "abc"}),
        (world.station_a1_manager, "post", f"{evaluation}/self-assessment/", bad),
        (world.station_a1_manager, "post", f"{evaluation}/submit-self-assessment/", bad),
        (world.station_a1_manager, "post", f"{evaluation}/appeal/", bad),
        (world.city_officer, "post", f"{evaluation}/publish/", bad),
        (world.city_officer, "post", f"{evaluation}/survey-links/", {"group": "x", "count": 0}),
        (world.evaluator, "post", f"/api/v1/evaluation-appeals/{appeal.pk}/answer/", {}),
        (
            world.city_officer,
            "post",
            f"/api/v1/evaluation-appeals/{appeal.pk}/decide/",
            {"decision": "maybe"},
        ),
        (
            world.city_officer,
            "post",
            "/api/v1/evaluation-assignments/",
            {"evaluation": ev.pk, "evaluator": "x", "starts_on": "not a date"},
        ),
        (
            world.city_officer,
            "patch",
            f"/api/v1/evaluation-cycles/{cycle.pk}/",
            {"opens_on": "not a date", "phase": "x"},
        ),
        (world.city_officer, "post", f"/api/v1/evaluation-cycles/{cycle.pk}/open/", bad),
        (world.city_officer, "post", f"/api/v1/evaluation-cycles/{cycle.pk}/compute/", bad),
        (world.city_officer, "post", f"/api/v1/evaluation-cycles/{cycle.pk}/publish/", bad),
    ]
    for user, method, url, payload in writes:
        response = getattr(login(user), method)(url, payload, content_type="application/json")
        assert (url, response.status_code) == (url, 409)
        assert "已发布并锁定" in response.json()["detail"], url
    # The framework the published cycle used is frozen: the same order, its own message.
    frozen = [
        ("patch", f"/api/v1/evaluation-frameworks/{framework.pk}/", {"name": ""}),
        (
            "post",
            "/api/v1/evaluation-framework-nodes/",
            {"framework": framework.pk, "level": "bogus", "max_score": "abc"},
        ),
        ("patch", f"/api/v1/evaluation-framework-nodes/{node.pk}/", {"max_score": "abc"}),
        ("delete", f"/api/v1/evaluation-framework-nodes/{node.pk}/", None),
    ]
    client = login(world.city_officer)
    for method, url, payload in frozen:
        response = getattr(client, method)(url, payload, content_type="application/json")
        assert (url, response.status_code) == (url, 409)
        assert "已被评估周期使用" in response.json()["detail"], url


def test_the_services_behind_the_pages_report_the_lock_before_bad_input(world, published):
    from django.core.exceptions import ValidationError

    from portal.errors import Conflict

    ev, appeal = published
    calls = [
        lambda: services.appeal_file(
            actor=world.station_a1_manager, evaluation=ev, reason="", items=[]
        ),
        lambda: services.appeal_answer(actor=world.evaluator, appeal=appeal, answer=""),
        lambda: services.appeal_decide(actor=world.city_officer, appeal=appeal, decision="x"),
        lambda: services.self_assessment_save(
            actor=world.station_a1_manager, evaluation=ev, node_id=0, text=""
        ),
        lambda: services.assignment_create(
            actor=world.city_officer, evaluations=[ev], evaluator=world.station_a1_manager
        ),
        lambda: services.cycle_update(actor=world.city_officer, cycle=ev.cycle, name=""),
        lambda: services.cycle_open(cycle_id=ev.cycle_id),
    ]
    for call in calls:
        with pytest.raises(Conflict, match="已发布并锁定"):
            try:
                call()
            except ValidationError as error:
                pytest.fail(f"field error before the lock: {error}")


def test_opening_publishing_or_editing_a_published_cycle_answers_409_on_the_page(
    world, published, login
):
    ev, _appeal = published
    client = login(world.city_officer)
    for name in ("cycle_open", "cycle_publish", "cycle_edit"):
        page = client.post(
            reverse(f"evaluations:{name}", args=[ev.cycle_id]), {"opens_on": "not a date"}
        )
        assert page.status_code == 409 and "已发布并锁定" in page.content.decode()


def test_field_errors_still_answer_400_where_nothing_is_locked(world, assigned, login):
    client = login(world.evaluator)
    response = client.post(
        f"/api/v1/evaluations/{assigned.pk}/scores/",
        {"version": "x", "scores": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "version" in response.json()


def test_a_score_above_the_maximum_shows_the_chinese_message(world, assigned, login):
    lf = next(lf for lf in leaves(assigned) if lf.scorer == Scorer.EVALUATOR)
    client = login(world.evaluator)
    response = client.post(
        f"/api/v1/evaluations/{assigned.pk}/scores/",
        {
            "version": assigned.version,
            "scores": [{"node": lf.id, "score": str(lf.max_score + Decimal(1))}],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "不能超过满分" in response.content.decode()


def test_the_public_survey_page_takes_one_answer_without_an_account(world, ev_a1, client):
    link = services.survey_links_issue(
        actor=world.city_officer, evaluation=ev_a1, group="users", count=1
    )[0]
    url = reverse("evaluations:survey_answer", args=[link.token])
    assert client.get(url).status_code == 200
    answers = {f"q{i}": "4" for i in range(1, 6)}
    assert client.post(url, answers).status_code == 200
    again = client.post(url, answers)
    assert again.status_code == 409 and "只能填写一次" in again.content.decode()
    assert client.get(reverse("evaluations:survey_answer", args=["nope"])).status_code == 404


def test_survey_links_page_shows_qr_codes_to_the_city_only(world, ev_a1, login):
    services.survey_links_issue(actor=world.city_officer, evaluation=ev_a1, group="users", count=2)
    url = reverse("evaluations:survey_links", args=[ev_a1.pk]) + "?qr=1"
    page = login(world.city_officer).get(url)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert login(world.station_a1_manager).get(url).status_code == 403


def _more_stations(cycle, n, district_sub):
    for _i in range(n):
        ContractFactory(station=StationFactory(subdistrict=district_sub))
    services.cycle_open(cycle_id=cycle.pk)


def test_the_cycle_board_runs_a_fixed_number_of_queries(
    world, cycle, login, django_assert_max_num_queries
):
    client = login(world.city_officer)
    url = reverse("evaluations:cycle_board", args=[cycle.pk])
    client.get(url)
    with django_assert_max_num_queries(25):
        first = client.get(url)
    assert first.status_code == 200 and "天河区" in first.content.decode()


def test_lists_and_results_run_a_fixed_number_of_queries(
    world, assigned, login, django_assert_max_num_queries
):
    _scored(world, assigned)
    client = login(world.city_officer)
    urls = [
        reverse("evaluations:evaluation_list"),
        reverse("evaluations:results", args=[assigned.cycle_id]),
        reverse("evaluations:cycle_list"),
        reverse("evaluations:framework_list"),
        reverse("evaluations:evaluation_detail", args=[assigned.pk]),
        "/api/v1/evaluations/",
    ]
    counts = {}
    for url in urls:
        client.get(url)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx)
    # Ten more stations, scored: the same number of queries.
    from tests.factories import SubdistrictFactory

    sub = SubdistrictFactory(district=world.district_a)
    cycle = assigned.cycle
    _more_stations(cycle, 10, sub)
    services.assignment_create(
        actor=world.city_officer,
        evaluator=world.evaluator,
        evaluations=list(Evaluation.objects.filter(cycle=cycle).exclude(pk=assigned.pk)),
    )
    services.results_compute_cycle(cycle=cycle, only_complete=False)
    for url in urls:
        with django_assert_max_num_queries(counts[url] + 1):
            client.get(url)


def test_the_pdf_report_renders_with_chinese_text(world, assigned, login):
    ev = _scored(world, assigned)
    client = login(world.station_a1_manager)
    response = client.get(reverse("evaluations:report_pdf", args=[ev.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    html = client.get(reverse("evaluations:report_pdf", args=[ev.pk]) + "?format=html")
    assert "雷达" in html.content.decode() or "<svg" in html.content.decode()


def test_framework_export_and_import_round_trip(world, framework, login):
    import io

    client = login(world.city_officer)
    exported = client.get(
        reverse("evaluations:framework_detail", args=[framework.pk]) + "?format=xlsx"
    )
    assert exported.status_code == 200
    data = b"".join(exported.streaming_content)
    upload = io.BytesIO(data)
    upload.name = "fw.xlsx"
    response = client.post(
        reverse("evaluations:framework_import"),
        {"code": "imported", "name": "导入的体系", "note": "", "file": upload},
    )
    assert response.status_code == 302
    from evaluations.models import Framework

    imported = Framework.objects.get(code="imported")
    assert imported.nodes.count() == framework.nodes.count()


def test_what_if_shows_old_and_new_totals_per_station(world, assigned, framework, login):
    _scored(world, assigned)
    draft = services.framework_new_version(actor=world.city_officer, framework=framework)
    node = draft.nodes.get(code="D3")
    services.framework_node_update(actor=world.city_officer, node=node, weight=Decimal(50))
    page = login(world.city_officer).get(
        reverse("evaluations:framework_detail", args=[draft.pk]) + "?whatif=1"
    )
    assert page.status_code == 200
    rows = page.context["whatif"]
    assert rows and rows[0]["old_total"] == Decimal("90.00")


@pytest.mark.parametrize(
    "persona",
    [
        "district_a_officer",
        "subdistrict_a1_officer",
        "institution_a_admin",
        "station_a1_manager",
        "evaluator",
    ],
)
def test_the_what_if_is_for_city_roles_only_on_page_and_api(
    world, assigned, framework, login, persona
):
    _scored(world, assigned)
    draft = services.framework_new_version(actor=world.city_officer, framework=framework)
    page_url = reverse("evaluations:framework_detail", args=[draft.pk])
    api_url = f"/api/v1/evaluation-frameworks/{draft.pk}/what-if/"
    client = login(getattr(world, persona))
    page = client.get(page_url)
    assert page.status_code == 200 and "?whatif=1" not in page.content.decode()
    assert client.get(page_url + "?whatif=1").status_code == 403
    assert client.get(api_url).status_code == 403
    client = login(world.city_officer)
    page = client.get(page_url)
    assert "?whatif=1" in page.content.decode()
    assert client.get(page_url + "?whatif=1").context["whatif"]
    assert client.get(api_url).json()["stations"]


def test_the_station_page_has_an_evaluation_tab_with_the_history(world, assigned, login):
    _scored(world, assigned)
    client = login(world.station_a1_manager)
    page = client.get(reverse("stations:station_detail", args=[world.station_a1.pk]))
    assert page.status_code == 200
    history = client.get(reverse("evaluations:station_history", args=[world.station_a1.pk]))
    assert history.status_code == 200 and "90.00" in history.content.decode()


def test_the_home_page_lists_the_self_assessment_to_do(world, ev_a1, login):
    page = login(world.station_a1_manager).get(reverse("portal:home"))
    assert page.status_code == 200
    assert "待提交的评估自评" in page.content.decode()


def test_the_station_page_shows_the_evaluation_tab_and_the_tab_loads_the_history(
    world, assigned, login
):
    _scored(world, assigned)
    client = login(world.station_a1_manager)
    page = client.get(reverse("stations:station_detail", args=[world.station_a1.pk]))
    html = page.content.decode()
    assert 'id="tab-evaluations"' in html and "评估" in html
    tab_url = reverse("stations:station_tab", args=[world.station_a1.pk, "evaluations"])
    assert tab_url in html
    tab = client.get(tab_url)
    assert tab.status_code == 200 and "90.00" in tab.content.decode()
    assert login(world.district_b_officer).get(tab_url).status_code == 404


def test_dropdowns_say_what_to_choose_instead_of_dashes(world, ev_a1, login):
    client = login(world.city_officer)
    pages = {
        reverse("evaluations:cycle_create"): "请选择指标体系",
        reverse("evaluations:cycle_board", args=[ev_a1.cycle_id]): "请选择评估人员",
        reverse("evaluations:evaluation_detail", args=[ev_a1.pk]): "请选择评估人员",
        reverse("evaluations:evaluation_list"): "全部",
    }
    for url, wanted in pages.items():
        html = client.get(url).content.decode()
        assert "---------" not in html, url
        assert wanted in html, url
    form = client.get(reverse("evaluations:cycle_create")).content.decode()
    assert 'class="form-select"' in form and 'class="form-control"' in form


def test_the_survey_overview_pages_rates_with_totals_and_questions_at_fixed_queries(
    world, ev_a1, login, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    links = services.survey_links_issue(
        actor=world.city_officer, evaluation=ev_a1, group="users", count=4
    )
    services.survey_answer(token=links[0].token, answers={f"q{i}": 4 for i in range(1, 6)})
    client = login(world.city_officer)
    url = reverse("evaluations:survey_overview", args=[ev_a1.cycle_id])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url)
    html = page.content.decode()
    assert "已发放 4，已回收 1，回收率 25%" in html
    assert "社工的服务态度" in html
    assert ev_a1.station.name in html
    for ev in Evaluation.objects.filter(cycle=ev_a1.cycle).exclude(pk=ev_a1.pk):
        services.survey_links_issue(
            actor=world.city_officer, evaluation=ev, group="community", count=2
        )
    with django_assert_max_num_queries(len(ctx)):
        assert client.get(url).status_code == 200


def test_the_api_lists_the_survey_questions_in_use(world, login):
    data = login(world.station_a1_manager).get(
        "/api/v1/evaluation-survey-questions/?group=users&is_active=true"
    )
    assert data.status_code == 200
    rows = data.json()["results"]
    assert [r["code"] for r in rows] == ["q1", "q2", "q3", "q4", "q5"]


def test_a_burst_of_survey_posts_from_one_address_is_rate_limited(world, ev_a1, client):
    import uuid

    from django.core.cache import cache

    from evaluations.views import SURVEY_RATE_LIMIT

    # An address of its own, so the shared cache's counters of other tests are not touched.
    address = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    key = f"evaluations:survey-rate:{address}"
    cache.delete(key)
    link = services.survey_links_issue(
        actor=world.city_officer, evaluation=ev_a1, group="users", count=1
    )[0]
    url = reverse("evaluations:survey_answer", args=[link.token])
    try:
        statuses = [client.post(url, {}, REMOTE_ADDR=address).status_code for _i in range(25)]
    finally:
        cache.delete(key)
    assert statuses[:SURVEY_RATE_LIMIT] == [400] * SURVEY_RATE_LIMIT
    assert statuses[SURVEY_RATE_LIMIT:] == [429] * (25 - SURVEY_RATE_LIMIT)
    link.refresh_from_db()
    assert link.answered_at is None


def test_the_results_table_and_the_list_export_to_excel(world, assigned, login):
    import io

    import openpyxl

    _scored(world, assigned)
    client = login(world.city_officer)
    for url, header in (
        (reverse("evaluations:results", args=[assigned.cycle_id]) + "?format=xlsx", "区内排名"),
        (reverse("evaluations:evaluation_list") + "?format=xlsx", "逾期"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert header in rows[0]
        assert any(world.station_a1.name in row for row in rows[1:])


def test_a_district_pack_is_one_pdf_of_its_scored_stations_and_scoped(world, assigned, login):
    _scored(world, assigned)
    url = reverse(
        "evaluations:district_pack", args=[assigned.cycle_id, world.station_a1.district_id]
    )
    response = login(world.district_a_officer).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert login(world.district_b_officer).get(url).status_code == 404


def _final_cycle_assigned_to_the_evaluator(world, framework):

    from evaluations.choices import Phase
    from tests.evaluations.conftest import dates

    c = services.cycle_create(
        actor=world.city_officer,
        service_year=world.contract_a1.service_year,
        phase=Phase.FINAL,
        framework=framework,
        **dates(clock.today()),
    )
    services.cycle_open(cycle_id=c.pk)
    ev = Evaluation.objects.get(cycle=c, station=world.station_a1)
    services.assignment_create(
        actor=world.city_officer, evaluations=[ev], evaluator=world.evaluator
    )
    return ev


def test_the_final_scoring_page_shows_the_personnel_share_from_the_funding_module(
    world, framework, login
):
    from funding import services as funding_services
    from tests.funding.conftest import lines_with_personnel, report

    ev = _final_cycle_assigned_to_the_evaluator(world, framework)
    url = reverse("evaluations:evaluation_detail", args=[ev.pk])
    client = login(world.evaluator)
    without = client.get(url).content.decode()
    assert "财务数据（来自经费模块）" not in without
    assert "经费模块尚无该站本年度的支出数据" in without  # the evaluator scores it by hand
    assert "建议 " not in without

    budget = funding_services.budget_create(
        actor=world.station_a1_manager,
        contract=world.contract_a1,
        lines=lines_with_personnel("1600000.00"),  # fee 2,400,000: 200,000 a month
    )
    budget = funding_services.budget_submit(
        actor=world.station_a1_manager, budget=budget, version=budget.version
    )
    funding_services.budget_approve(
        actor=world.district_a_officer, budget=budget, version=budget.version
    )
    report(world, 1, "100000.00")  # one month: 100,000 of 200,000 = 50.00%
    page = client.get(url).content.decode()
    assert "财务数据（来自经费模块）：人员经费占比 50.00%，最低要求 65.00%，已报 1 个月。" in page
    assert "经费模块尚无该站本年度的支出数据" not in page
    financial = [lf for lf in leaves(ev) if lf.scorer == Scorer.FINANCIAL]
    assert financial
    for lf in financial:  # in proportion below the 65% floor
        suggested = (lf.max_score * Decimal("50") / Decimal("65")).quantize(Decimal("0.01"))
        assert f"建议 {suggested}" in page
