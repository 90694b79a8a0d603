"""Reads: cycles in date order (never by the stored phase name), survey questions as data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations import selectors
from evaluations.choices import CycleStatus, EvaluationStatus, Grade, Phase
from evaluations.models import Cycle, Evaluation

pytestmark = pytest.mark.django_db


def _past_cycle(framework, year: int, phase: str) -> Cycle:
    opens = dt.date(year, 6, 1) if phase == Phase.MIDTERM else dt.date(year, 11, 15)
    d = lambda n: opens + dt.timedelta(days=n)  # noqa: E731
    return Cycle.objects.create(
        name=f"{year}{phase}",
        service_year=year,
        phase=phase,
        framework=framework,
        status=CycleStatus.PUBLISHED,
        opens_on=opens,
        self_due_on=d(14),
        scoring_starts_on=d(7),
        scoring_due_on=d(30),
        appeal_starts_on=d(31),
        appeal_due_on=d(40),
        publish_on=d(45),
    )


@pytest.fixture
def last_year(world, cycle, framework):
    """Last year's mid-term and final, published, for station A1 (the mid-term scored lower)."""
    year = cycle.service_year - 1
    out = {}
    for phase, total in ((Phase.MIDTERM, "70.00"), (Phase.FINAL, "85.00")):
        c = _past_cycle(framework, year, phase)
        out[phase] = Evaluation.objects.create(
            cycle=c,
            station=world.station_a1,
            status=EvaluationStatus.PUBLISHED,
            total=Decimal(total),
            grade=Grade.GOOD,
        )
    return out


def test_a_station_history_runs_midterm_then_final_within_a_year(world, ev_a1, last_year):
    history = selectors.station_history(world.city_officer, world.station_a1)
    assert [e.pk for e in history] == [
        last_year[Phase.MIDTERM].pk,
        last_year[Phase.FINAL].pk,
        ev_a1.pk,
    ]
    assert selectors.trend(history)["totals"] == [70.0, 85.0]


def test_the_previous_evaluation_of_a_midterm_is_last_years_final(ev_a1, last_year):
    assert selectors.previous_evaluation(ev_a1).pk == last_year[Phase.FINAL].pk


def test_the_last_cycle_with_results_is_the_latest_by_date(last_year):
    assert selectors.last_results_cycle() == last_year[Phase.FINAL].cycle


def test_cycles_and_evaluations_list_the_newest_cycle_first(world, ev_a1, last_year, login):
    assert list(Cycle.objects.all()) == [
        ev_a1.cycle,
        last_year[Phase.FINAL].cycle,
        last_year[Phase.MIDTERM].cycle,
    ]
    client = login(world.station_a1_manager)
    url = reverse("evaluations:evaluation_list") + "?cycle=all"
    rows = list(client.get(url).context["object_list"])
    assert [e.pk for e in rows] == [
        ev_a1.pk,
        last_year[Phase.FINAL].pk,
        last_year[Phase.MIDTERM].pk,
    ]


DEFAULT_CYCLE_NOTE = "默认显示当前评估周期；可在筛选中选择其他周期或全部周期"


def test_the_current_cycle_is_the_latest_that_has_opened(world, ev_a1, last_year, framework):
    _past_cycle(framework, ev_a1.cycle.service_year + 1, Phase.MIDTERM)  # opens next year
    today = ev_a1.cycle.opens_on
    assert selectors.current_cycle(world.city_officer, today) == ev_a1.cycle
    before = today - dt.timedelta(days=1)
    assert selectors.current_cycle(world.city_officer, before) == last_year[Phase.FINAL].cycle


def test_the_evaluation_list_shows_the_current_cycle_by_default_and_says_so(
    world, ev_a1, last_year, framework, login
):
    _past_cycle(framework, ev_a1.cycle.service_year + 1, Phase.MIDTERM)  # not open yet
    page = login(world.station_a1_manager).get(reverse("evaluations:evaluation_list"))
    assert [e.pk for e in page.context["object_list"]] == [ev_a1.pk]
    html = page.content.decode()
    assert DEFAULT_CYCLE_NOTE in html
    assert f'<option value="{ev_a1.cycle_id}" selected>{ev_a1.cycle.name}</option>' in html
    assert 'href="?cycle=all"' in html


def test_the_evaluation_list_shows_every_cycle_when_asked_explicitly(
    world, ev_a1, last_year, login
):
    client = login(world.station_a1_manager)
    url = reverse("evaluations:evaluation_list")
    everything = [ev_a1.pk, last_year[Phase.FINAL].pk, last_year[Phase.MIDTERM].pk]
    # ?cycle=all from the note's link, ?cycle= from the filter form's "全部周期".
    for query in ("?cycle=all", "?cycle=", "?cycle=all&page=1"):
        page = client.get(url + query)
        assert [e.pk for e in page.context["object_list"]] == everything, query
        html = page.content.decode()
        assert DEFAULT_CYCLE_NOTE not in html, query
        assert '<option value="" selected>全部周期</option>' in html, query
    final = last_year[Phase.FINAL]
    page = client.get(url + f"?cycle={final.cycle_id}")
    assert [e.pk for e in page.context["object_list"]] == [final.pk]
    assert DEFAULT_CYCLE_NOTE not in page.content.decode()


def test_the_api_list_still_spans_every_cycle_without_a_filter(world, ev_a1, last_year, login):
    ids = {
        r["id"]
        for r in login(world.station_a1_manager).get("/api/v1/evaluations/").json()["results"]
    }
    assert ids == {ev_a1.pk, last_year[Phase.FINAL].pk, last_year[Phase.MIDTERM].pk}


def test_survey_questions_come_from_the_reference_table_in_use(db):
    from evaluations.models import SurveyQuestion

    assert [c for c, _t in selectors.survey_questions("users")] == ["q1", "q2", "q3", "q4", "q5"]
    SurveyQuestion.objects.filter(group="users", code="q2").update(is_active=False)
    SurveyQuestion.objects.filter(group="users", code="q5").update(sort_order=0, text="总体评价")
    assert selectors.survey_questions("users")[0] == ("q5", "总体评价")
    assert "q2" not in [c for c, _t in selectors.survey_questions("users")]


def test_latest_grades_feed_the_inspection_draw_with_the_newest_published_grade(world, last_year):
    """``latest_grades_for`` is the grade risk signal of the quarterly inspection draw."""
    from portal.risk import risk_signals_registered

    assert risk_signals_registered()["grade"].fn is selectors.latest_grades_for
    midterm, final = last_year[Phase.MIDTERM], last_year[Phase.FINAL]
    Evaluation.objects.filter(pk=midterm.pk).update(grade=Grade.FAIL)
    ids = [world.station_a1.pk, world.station_b1.pk]

    after_final = final.cycle.opens_on
    assert selectors.latest_grades_for(station_ids=ids, on=after_final) == {
        world.station_a1.pk: Grade.GOOD
    }
    before_final = after_final - dt.timedelta(days=1)
    assert selectors.latest_grades_for(station_ids=ids, on=before_final) == {
        world.station_a1.pk: Grade.FAIL
    }
    # An unpublished result is no signal: the draw falls back to the last published one.
    Evaluation.objects.filter(pk=final.pk).update(status=EvaluationStatus.SCORED)
    assert selectors.latest_grades_for(station_ids=ids, on=after_final) == {
        world.station_a1.pk: Grade.FAIL
    }


# --- the what-if: one scoring function for stored results and simulations --------------------


def _score_as_city(world, ev, fraction: str, overrides=None) -> Evaluation:
    """Every leaf scored by the city officer (who may score every part) at ``fraction`` of its
    maximum, with ``overrides`` (code -> score) entered instead."""
    from evaluations import services
    from tests.evaluations.conftest import leaves

    overrides = overrides or {}
    ev.refresh_from_db()
    services.scores_save(
        actor=world.city_officer,
        evaluation=ev,
        version=ev.version,
        entries=[
            services.ScoreInput(lf.id, overrides.get(lf.code, lf.max_score * Decimal(fraction)))
            for lf in leaves(ev)
        ],
    )
    ev.refresh_from_db()
    return ev


def _answer_surveys(world, ev, answers: dict[str, list[int]]) -> None:
    """One answered link per rating in ``answers`` (group -> every question rated so)."""
    from evaluations import services

    for group, ratings in answers.items():
        links = services.survey_links_issue(
            actor=world.city_officer, evaluation=ev, group=group, count=len(ratings)
        )
        for link, rating in zip(links, ratings, strict=True):
            questions = selectors.survey_questions(group)
            services.survey_answer(token=link.token, answers={q: rating for q, _t in questions})


def test_the_what_if_counts_survey_answers_as_the_result_does(world, ev_a1, framework):
    from evaluations import services

    # The survey feeds D2.3.1 (users) and D2.3.2 (community); the evaluator typed 0 for both.
    _answer_surveys(world, ev_a1, {"users": [5, 4, 4], "community": [3, 4]})
    ev = _score_as_city(world, ev_a1, "0.85", {"D2.3.1": Decimal(0), "D2.3.2": Decimal(0)})
    services.scoring_complete(actor=world.city_officer, evaluation=ev)
    ev.refresh_from_db()
    fed = {r["code"]: r for r in ev.breakdown if r["code"] in ("D2.3.1", "D2.3.2")}
    assert fed["D2.3.1"]["source"] == "survey:3" and Decimal(fed["D2.3.1"]["score"]) > 0
    assert fed["D2.3.2"]["source"] == "survey:2" and Decimal(fed["D2.3.2"]["score"]) > 0

    copy = services.framework_new_version(actor=world.city_officer, framework=framework)
    [row] = selectors.what_if(world.city_officer, copy, ev.cycle)
    assert (row["new_total"], row["new_grade"]) == (ev.total, Grade(ev.grade).label)
    assert row["change"] == 0 and not row["grade_changed"] and row["missing"] == 0


def test_an_unchanged_copy_of_the_framework_changes_no_stations_total(world, cycle, framework):
    from evaluations import services

    evs = {ev.station_id: ev for ev in Evaluation.objects.filter(cycle=cycle)}
    a1, a2, b1 = (evs[s.pk] for s in (world.station_a1, world.station_a2, world.station_b1))
    _answer_surveys(world, a1, {"users": [5, 3]})
    _answer_surveys(world, b1, {"users": [2], "community": [1, 2, 5]})
    services.scoring_complete(
        actor=world.city_officer, evaluation=_score_as_city(world, a1, "0.91")
    )
    services.scoring_complete(
        actor=world.city_officer, evaluation=_score_as_city(world, a2, "0.63")
    )
    _score_as_city(world, b1, "0.77", {"D1.1.1": Decimal("3.33")})
    # B1 is computed by the bulk path (the task's), A1 and A2 once more.
    assert services.results_compute_cycle(cycle=cycle) == 3
    stored = dict(Evaluation.objects.filter(cycle=cycle).values_list("station__code", "total"))
    assert len(set(stored.values())) == 3

    copy = services.framework_new_version(actor=world.city_officer, framework=framework)
    rows = selectors.what_if(world.city_officer, copy, cycle)
    assert {r["station"].code: r["new_total"] for r in rows} == stored
    assert not any(r["change"] or r["grade_changed"] or r["missing"] for r in rows)


def test_a_changed_maximum_scales_the_entered_score_and_a_new_indicator_counts_nothing(
    world, ev_a1, framework
):
    from evaluations import services
    from evaluations.models import FrameworkNode

    ev = _score_as_city(world, ev_a1, "0.5")
    services.scoring_complete(actor=world.city_officer, evaluation=ev)
    copy = services.framework_new_version(actor=world.city_officer, framework=framework)
    node = copy.nodes.get(code="D2.1.1")
    services.framework_node_update(
        actor=world.city_officer, node=node, max_score=node.max_score * 2
    )
    services.framework_node_add(
        actor=world.city_officer,
        framework=copy,
        level="item",
        code="D2.1.9",
        name="新增指标",
        parent=FrameworkNode.objects.get(framework=copy, code="D2.1"),
        max_score=Decimal(10),
    )
    [row] = selectors.what_if(world.city_officer, copy, ev.cycle)
    # Half marks everywhere stay half marks on a doubled maximum; the new item has no value.
    assert row["missing"] == 1 and row["new_total"] < ev.total
