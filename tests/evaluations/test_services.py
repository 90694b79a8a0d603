"""The evaluation's life: open, self-assess, score, appeal, publish, lock; and bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluations import services
from evaluations.choices import EvaluationStatus, Grade, Phase, Scorer
from evaluations.models import Evaluation, EvaluatorAssignment, Score, SurveyResponse
from portal import clock
from portal.choices import Role
from portal.errors import Conflict
from portal.models import Notification, RoleAssignment
from portal.services.users import role_assignment_end
from tests.evaluations.conftest import dates, leaves, score_everything
from tests.factories import ContractFactory, assign, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_opening_creates_one_evaluation_per_station_with_a_contract_and_a_rerun_none(world, cycle):
    evs = Evaluation.objects.filter(cycle=cycle)
    assert evs.count() == 3
    a1 = evs.get(station=world.station_a1)
    assert a1.institution == world.institution_a
    again = services.cycle_open(cycle_id=cycle.pk)
    assert again.created == 0
    assert evs.count() == 3
    assert cycle.policy_version is not None


def test_a_cycle_does_not_open_before_its_date(world, framework):
    today = clock.today()
    c = services.cycle_create(
        actor=world.city_officer,
        service_year=today.year,
        phase=Phase.FINAL,
        framework=framework,
        **dates(today, opens=3, scoring_start=3),
    )
    assert services.cycle_open(cycle_id=c.pk).created == 0
    assert services.cycle_open(cycle_id=c.pk, today=today + dt.timedelta(days=3)).created == 3


def test_a_cycle_evaluates_who_ran_the_stations_in_its_own_service_year(world, framework, today):
    """A final evaluation opened in January is about the year that has ended: its operators,
    not the new year's (another institution here, or no contract signed yet)."""
    last_year = today.year - 1
    ContractFactory(
        station=world.station_a1, institution=world.institution_b, service_year=last_year
    )
    january = dt.date(today.year, 1, 10)
    final = services.cycle_create(
        actor=world.city_officer,
        service_year=last_year,
        phase=Phase.FINAL,
        framework=framework,
        **dates(january, opens=0, scoring_start=0),
    )
    assert services.cycle_open(cycle_id=final.pk, today=january).created == 1
    evaluated = Evaluation.objects.filter(cycle=final).values_list("station", "institution")
    assert list(evaluated) == [(world.station_a1.pk, world.institution_b.pk)]
    # A mid-term opened before its year begins evaluates those who run the stations from
    # 1 January, not the operators of the year still running.
    ContractFactory(
        station=world.station_a1, institution=world.institution_b, service_year=today.year + 1
    )
    december = dt.date(today.year, 12, 20)
    midterm = services.cycle_create(
        actor=world.city_officer,
        service_year=today.year + 1,
        phase=Phase.MIDTERM,
        framework=framework,
        **dates(december, opens=0, scoring_start=0),
    )
    assert services.cycle_open(cycle_id=midterm.pk, today=december).created == 1
    evaluated = Evaluation.objects.filter(cycle=midterm).values_list("station", "institution")
    assert list(evaluated) == [(world.station_a1.pk, world.institution_b.pk)]


def test_a_framework_used_by_a_cycle_is_frozen_and_a_new_version_copies_it(world, cycle, framework):
    framework.refresh_from_db()
    node = framework.nodes.filter(level="item").first()
    with pytest.raises(Conflict) as err:
        services.framework_node_update(actor=world.city_officer, node=node, max_score=Decimal(50))
    assert "不能修改" in err.value.message
    copy = services.framework_new_version(actor=world.city_officer, framework=framework)
    assert copy.version == 2 and copy.nodes.count() == framework.nodes.count()
    n2 = copy.nodes.get(code=node.code)
    services.framework_node_update(actor=world.city_officer, node=n2, max_score=Decimal(50))
    n2.refresh_from_db()
    assert n2.max_score == Decimal(50)


def test_self_assessment_saves_drafts_then_submits_once(world, ev_a1):
    leaf = leaves(ev_a1)[0]
    services.self_assessment_save(
        actor=world.station_a1_manager,
        evaluation=ev_a1,
        node_id=leaf.id,
        text="已建立制度",
        files=[SimpleUploadedFile("制度.pdf", PDF)],
    )
    services.self_assessment_save(
        actor=world.station_a1_manager, evaluation=ev_a1, node_id=leaf.id, text="已建立并执行制度"
    )
    services.self_assessment_submit(actor=world.station_a1_manager, evaluation=ev_a1)
    ev_a1.refresh_from_db()
    assert ev_a1.status == EvaluationStatus.SUBMITTED
    with pytest.raises(Conflict, match="自评已提交"):
        services.self_assessment_save(
            actor=world.station_a1_manager, evaluation=ev_a1, node_id=leaf.id, text="改"
        )
    with pytest.raises(Conflict):
        services.self_assessment_submit(actor=world.station_a1_manager, evaluation=ev_a1)


def test_self_assessment_after_the_window_is_refused(world, ev_a1):
    leaf = leaves(ev_a1)[0]
    late = ev_a1.cycle.self_due_on + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="不在自评填报期内"):
        services.self_assessment_save(
            actor=world.station_a1_manager, evaluation=ev_a1, node_id=leaf.id, text="x", today=late
        )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", b"MZ\x90\x00binary", "可执行文件"),
        ("notes.txt", b"just some text", "无法识别"),
        ("run.sh", b"#!/bin/sh\necho", "可执行文件"),
        ("empty.pdf", b"", "空文件"),
    ],
)
def test_bad_evidence_files_are_refused_and_nothing_is_saved(world, ev_a1, name, content, message):
    leaf = leaves(ev_a1)[0]
    with pytest.raises(ValidationError, match=message):
        services.self_assessment_save(
            actor=world.station_a1_manager,
            evaluation=ev_a1,
            node_id=leaf.id,
            text="x",
            files=[SimpleUploadedFile(name, content)],
        )
    assert not ev_a1.self_assessments.exists()


def test_only_the_station_manager_self_assesses(world, ev_a1):
    with pytest.raises(PermissionDenied):
        services.self_assessment_save(
            actor=world.institution_a_admin, evaluation=ev_a1, node_id=leaves(ev_a1)[0].id, text="x"
        )


def test_bad_scores_are_refused_with_the_rule_and_change_nothing(world, assigned):
    lf = next(lf for lf in leaves(assigned) if lf.scorer == Scorer.EVALUATOR)
    other = [lf2 for lf2 in leaves(assigned) if lf2.scorer == Scorer.EVALUATOR][1]
    for value, message in (
        (lf.max_score + Decimal("0.01"), "不能超过满分"),
        (Decimal("-1"), "不能小于0"),
        ("abc", "不是有效数字"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.scores_save(
                actor=world.evaluator,
                evaluation=assigned,
                version=assigned.version,
                entries=[
                    services.ScoreInput(other.id, Decimal(1)),
                    services.ScoreInput(lf.id, value),
                ],
            )
    assert not Score.objects.filter(evaluation=assigned).exists()


def test_each_scorer_scores_only_their_part(world, assigned):
    purchaser = next(lf for lf in leaves(assigned) if lf.scorer == Scorer.PURCHASER)
    with pytest.raises(ValidationError, match="无权"):
        services.scores_save(
            actor=world.evaluator,
            evaluation=assigned,
            version=assigned.version,
            entries=[services.ScoreInput(purchaser.id, Decimal(5))],
        )
    services.scores_save(
        actor=world.subdistrict_a1_officer,
        evaluation=assigned,
        version=assigned.version,
        entries=[services.ScoreInput(purchaser.id, Decimal(5))],
    )
    assert (
        Score.objects.get(evaluation=assigned, node_id=purchaser.id).scored_by
        == world.subdistrict_a1_officer
    )


def test_a_stale_score_sheet_version_answers_conflict(world, assigned):
    lf = next(lf for lf in leaves(assigned) if lf.scorer == Scorer.EVALUATOR)
    seen = assigned.version
    services.scores_save(
        actor=world.evaluator,
        evaluation=assigned,
        version=seen,
        entries=[services.ScoreInput(lf.id, Decimal(3))],
    )
    with pytest.raises(Conflict, match="已被他人修改"):
        services.scores_save(
            actor=world.evaluator,
            evaluation=assigned,
            version=seen,
            entries=[services.ScoreInput(lf.id, Decimal(4))],
        )
    assert Score.objects.get(evaluation=assigned, node_id=lf.id).score == Decimal(3)


def test_completing_with_a_missing_required_score_names_it(world, assigned):
    with pytest.raises(ValidationError, match=r"必须评分|未评分"):
        services.scoring_complete(actor=world.evaluator, evaluation=assigned)
    assigned.refresh_from_db()
    assert assigned.total is None


def test_the_result_records_framework_policy_breakdown_and_who_scored(world, assigned):
    ev = score_everything(world, assigned, "0.9")
    services.scoring_complete(actor=world.evaluator, evaluation=ev)
    ev.refresh_from_db()
    assert ev.status == EvaluationStatus.SCORED
    assert ev.total == Decimal("90.00") and ev.grade == Grade.EXCELLENT
    assert ev.framework_id == ev.cycle.framework_id and ev.policy_version_id
    by = {row["scorer"]: row["by"] for row in ev.breakdown}
    assert by[Scorer.PURCHASER] == world.subdistrict_a1_officer.pk
    assert by[Scorer.EVALUATOR] == world.evaluator.pk
    # Mid-term: the financial dimension (final only) is not in the breakdown.
    assert Scorer.FINANCIAL not in by


def test_survey_answers_feed_the_indicators_they_are_mapped_to(world, assigned):
    links = services.survey_links_issue(
        actor=world.city_officer, evaluation=assigned, group="users", count=2
    )
    services.survey_answer(token=links[0].token, answers={f"q{i}": 5 for i in range(1, 6)})
    services.survey_answer(token=links[1].token, answers={f"q{i}": 4 for i in range(1, 6)})
    ev = score_everything(world, assigned, "0.5")
    services.scoring_complete(actor=world.evaluator, evaluation=ev)
    ev.refresh_from_db()
    users_row = next(r for r in ev.breakdown if r["scorer"] == Scorer.USERS)
    assert users_row["score"] == "8.75" and users_row["source"] == "survey:2"


def test_a_survey_link_answers_once(world, ev_a1):
    link = services.survey_links_issue(
        actor=world.city_officer, evaluation=ev_a1, group="community", count=1
    )[0]
    services.survey_answer(token=link.token, answers={f"q{i}": 3 for i in range(1, 6)})
    with pytest.raises(Conflict, match="只能填写一次"):
        services.survey_answer(token=link.token, answers={f"q{i}": 5 for i in range(1, 6)})
    assert SurveyResponse.objects.filter(link=link).count() == 1


def test_a_survey_with_a_missing_answer_is_refused(world, ev_a1):
    link = services.survey_links_issue(
        actor=world.city_officer, evaluation=ev_a1, group="users", count=1
    )[0]
    with pytest.raises(ValidationError, match="第5题"):
        services.survey_answer(token=link.token, answers={f"q{i}": 3 for i in range(1, 5)})
    link.refresh_from_db()
    assert link.answered_at is None


def _scored(world, assigned, fraction="0.9"):
    ev = score_everything(world, assigned, fraction)
    services.scoring_complete(actor=world.evaluator, evaluation=ev)
    ev.refresh_from_db()
    return ev


def test_appeal_is_answered_decided_and_the_result_recomputed(world, assigned):
    ev = _scored(world, assigned)
    lf = next(lf for lf in leaves(ev) if lf.scorer == Scorer.EVALUATOR)
    day = ev.cycle.appeal_starts_on
    appeal = services.appeal_file(
        actor=world.station_a1_manager,
        evaluation=ev,
        reason="评分偏低",
        today=day,
        items=[services.AppealInput(lf.id, lf.max_score, "档案齐全")],
        files=[SimpleUploadedFile("证明.pdf", PDF)],
    )
    ev.refresh_from_db()
    assert ev.status == EvaluationStatus.IN_APPEAL
    with pytest.raises(Conflict, match="申诉中"):
        services.scores_save(
            actor=world.evaluator,
            evaluation=ev,
            version=ev.version,
            entries=[services.ScoreInput(lf.id, Decimal(1))],
        )
    services.appeal_answer(actor=world.evaluator, appeal=appeal, answer="同意复核")
    services.appeal_decide(
        actor=world.city_officer, appeal=appeal, decision="upheld", scores={lf.id: lf.max_score}
    )
    ev.refresh_from_db()
    assert ev.status == EvaluationStatus.SCORED
    assert ev.total > Decimal("90.00")
    assert Score.objects.get(evaluation=ev, node_id=lf.id).score == lf.max_score


def test_an_appeal_outside_the_window_is_refused(world, assigned):
    ev = _scored(world, assigned)
    lf = leaves(ev)[0]
    with pytest.raises(ValidationError, match="不在申诉期内"):
        services.appeal_file(
            actor=world.station_a1_manager,
            evaluation=ev,
            reason="x",
            items=[services.AppealInput(lf.id, None, "y")],
            today=ev.cycle.appeal_due_on + dt.timedelta(days=1),
        )


def test_a_published_result_is_locked(world, assigned):
    ev = _scored(world, assigned)
    services.evaluation_publish(actor=world.city_officer, evaluation=ev)
    ev.refresh_from_db()
    lf = next(lf for lf in leaves(ev) if lf.scorer == Scorer.EVALUATOR)
    with pytest.raises(Conflict, match="已发布并锁定"):
        services.scores_save(
            actor=world.evaluator,
            evaluation=ev,
            version=ev.version,
            entries=[services.ScoreInput(lf.id, Decimal(1))],
        )
    with pytest.raises(Conflict, match="已发布并锁定"):
        services.scores_save(
            actor=world.city_officer,
            evaluation=ev,
            version=ev.version,
            entries=[services.ScoreInput(lf.id, Decimal(1))],
        )


def test_failing_opens_a_rectification_order_on_publication(world, assigned):
    from rectification.models import RectificationOrder

    ev = _scored(world, assigned, "0.5")
    assert ev.grade == Grade.FAIL
    services.cycle_publish(actor=world.city_officer, cycle=ev.cycle)
    ev.refresh_from_db()
    order = RectificationOrder.objects.get(
        source_kind="evaluation", source_ref=f"evaluation:{ev.pk}"
    )
    assert ev.rectification_order_id == order.pk and order.station_id == ev.station_id
    # The title names the cycle once ("…末期评估不合格整改", not "…评估评估不合格整改").
    assert "评估评估" not in order.title and order.title.endswith("评估不合格整改")


def test_an_evaluation_order_links_its_evaluation(world, assigned, login):
    from rectification.models import RectificationOrder

    ev = _scored(world, assigned, "0.5")
    services.cycle_publish(actor=world.city_officer, cycle=ev.cycle)
    order = RectificationOrder.objects.get(source_ref=f"evaluation:{ev.pk}")
    body = login(world.city_officer).get(f"/rectification/orders/{order.pk}/").content.decode()
    assert f'href="/evaluations/{ev.pk}/"' in body and "评估不合格：" in body
    assert "evaluation:" not in body


def test_a_failed_evaluations_order_takes_its_severity_from_the_policy(world, assigned):
    from portal.models import PolicyVersion
    from rectification.models import RectificationOrder

    ev = _scored(world, assigned, "0.5")
    PolicyVersion.objects.filter(pk=ev.policy_version_id).update(
        failed_evaluation_order_severity="critical"
    )
    services.cycle_publish(actor=world.city_officer, cycle=ev.cycle)
    order = RectificationOrder.objects.get(source_ref=f"evaluation:{ev.pk}")
    assert order.severity == "critical"


def test_bulk_results_match_the_one_at_a_time_computation(world, assigned):
    ev = score_everything(world, assigned, "0.8")
    n = services.results_compute_cycle(cycle=ev.cycle)
    assert n == 1
    ev.refresh_from_db()
    assert ev.total == Decimal("80.00") and ev.grade == Grade.GOOD
    assert ev.status == EvaluationStatus.SCORED


def test_reminders_go_only_to_those_who_have_not_done_their_part_and_never_twice(world, cycle):
    from portal.models import Notification

    due = cycle.self_due_on
    ev_b1 = Evaluation.objects.get(cycle=cycle, station=world.station_b1)
    Evaluation.objects.filter(pk=ev_b1.pk).update(status=EvaluationStatus.SUBMITTED)
    services.reminders_send(cycle=cycle, today=due - dt.timedelta(days=1))
    services.reminders_send(cycle=cycle, today=due - dt.timedelta(days=1))
    assert Notification.objects.filter(recipient=world.station_a1_manager).count() == 1
    assert not Notification.objects.filter(recipient=world.station_b1_manager).exists()


def test_escalation_reaches_the_district_after_a_week_late(world, cycle):
    from portal.models import Notification

    late = cycle.self_due_on + dt.timedelta(days=8)
    services.reminders_send(cycle=cycle, today=late)
    assert Notification.objects.filter(
        recipient=world.district_a_officer, title__contains="逾期"
    ).exists()


def test_the_escalation_days_are_the_ladder_in_force(world, cycle):
    from portal.choices import DeadlineKind
    from portal.models import Notification
    from portal.selectors import ladder_in_force

    ladder = ladder_in_force(DeadlineKind.EVALUATION_SELF)
    ladder.district_after_days, ladder.city_after_days = 9, None
    ladder.save()
    late = Notification.objects.filter(title__contains="自评已逾期")
    services.reminders_send(cycle=cycle, today=cycle.self_due_on + dt.timedelta(days=8))
    assert not late.filter(recipient=world.district_a_officer).exists()
    # A missed run skips nobody: on day 30 the managers, institutions and districts are told.
    services.reminders_send(cycle=cycle, today=cycle.self_due_on + dt.timedelta(days=30))
    assert late.filter(recipient=world.district_a_officer).exists()
    assert late.filter(recipient=world.institution_a_admin).exists()
    assert not late.filter(recipient=world.city_officer).exists()


def _late_notice(user, stage="自评") -> str:
    from portal.models import Notification

    [note] = Notification.objects.filter(recipient=user, title__contains=f"{stage}已逾期")
    return note.body


def test_each_escalation_notice_counts_and_lists_the_recipients_own_late_stations(
    world, cycle, monkeypatch
):
    from tests.factories import ContractFactory, StationFactory

    # Two more late stations in district B run by institution B: A1 is institution A's, A2
    # and B1 institution B's. Nobody has self-assessed.
    for n in (2, 3):
        station = StationFactory(
            code=f"HZ-00{n}", name=f"海珠{n}号社工服务站", subdistrict=world.subdistrict_b1
        )
        ContractFactory(station=station, institution=world.institution_b)
    services.cycle_open(cycle_id=cycle.pk)
    institution_b_admin = user_with_role(
        "institution_b", Role.INSTITUTION_ADMIN, institution=world.institution_b
    )
    monkeypatch.setattr(services, "ESCALATION_LIST_MAX", 3)
    for days in (4, 8, 15):  # institutions, then districts, then the city
        services.reminders_send(cycle=cycle, today=cycle.self_due_on + dt.timedelta(days=days))

    a1, a2, b1 = "五山街社工服务站", "员村街社工服务站", "赤岗街社工服务站"
    assert _late_notice(world.institution_a_admin) == (
        f"逾期1份（升级层级2）。逾期的社工站：{a1}。"
    )
    assert _late_notice(institution_b_admin) == (
        f"逾期4份（升级层级2）。逾期的社工站：{b1}、海珠2号社工服务站、海珠3号社工服务站等4个。"
    )
    assert _late_notice(world.district_a_officer) == (
        f"逾期2份（升级层级3）。逾期的社工站：{a1}、{a2}。"
    )
    body = _late_notice(world.district_b_officer)
    assert body.startswith("逾期3份（升级层级3）。") and a1 not in body and a2 not in body
    assert _late_notice(world.city_officer).startswith("逾期5份（升级层级4）。")


def test_an_escalation_reaches_nobody_with_nothing_late_in_their_scope(world, cycle):
    from portal.models import Notification

    # The evaluator's assignment to A1 ended yesterday: A1's late scoring is no longer theirs.
    ev = Evaluation.objects.get(cycle=cycle, station=world.station_a1)
    services.assignment_create(
        actor=world.city_officer,
        evaluations=[ev],
        evaluator=world.evaluator,
        starts_on=cycle.opens_on,
        ends_on=clock.today() - dt.timedelta(days=1),
    )
    services.reminders_send(cycle=cycle, today=cycle.scoring_due_on + dt.timedelta(days=1))
    assert not Notification.objects.filter(recipient=world.evaluator).exists()


def test_a_reworded_or_retired_survey_question_is_what_respondents_answer(world, ev_a1, client):
    from evaluations.models import SurveyQuestion

    SurveyQuestion.objects.filter(group="users", code="q1").update(text="社工是否耐心倾听")
    SurveyQuestion.objects.filter(group="users", code="q5").update(is_active=False)
    link = services.survey_links_issue(
        actor=world.city_officer, evaluation=ev_a1, group="users", count=1
    )[0]
    page = client.get(reverse("evaluations:survey_answer", args=[link.token]))
    assert "社工是否耐心倾听" in page.content.decode()
    assert 'name="q5"' not in page.content.decode()
    response = services.survey_answer(
        token=link.token, answers={"q1": 5, "q2": 5, "q3": 4, "q4": 4}
    )
    assert response.answers == {"q1": 5, "q2": 5, "q3": 4, "q4": 4}
    assert response.mean == Decimal("4.50")


def test_a_group_without_questions_in_use_cannot_be_answered(world, ev_a1):
    from evaluations.models import SurveyQuestion

    SurveyQuestion.objects.filter(group="community").update(is_active=False)
    link = services.survey_links_issue(
        actor=world.city_officer, evaluation=ev_a1, group="community", count=1
    )[0]
    with pytest.raises(Conflict, match="尚未设置题目"):
        services.survey_answer(token=link.token, answers={})
    link.refresh_from_db()
    assert link.answered_at is None


def test_an_appeal_decision_leaves_the_changed_score_in_the_audit_trail(world, assigned):
    from portal import audit

    ev = _scored(world, assigned)
    lf = next(lf for lf in leaves(ev) if lf.scorer == Scorer.EVALUATOR)
    appeal = services.appeal_file(
        actor=world.station_a1_manager,
        evaluation=ev,
        reason="评分偏低",
        today=ev.cycle.appeal_starts_on,
        items=[services.AppealInput(lf.id, lf.max_score, "档案齐全")],
    )
    services.appeal_answer(actor=world.evaluator, appeal=appeal, answer="同意复核")
    services.appeal_decide(
        actor=world.city_officer, appeal=appeal, decision="upheld", scores={lf.id: lf.max_score}
    )
    score = Score.objects.get(evaluation=ev, node_id=lf.id)
    changes = list(audit.history(score))
    assert any("score" in (e.changes or {}) for e in changes), [e.changes for e in changes]
    assert list(audit.history(appeal))


def test_reminders_and_escalations_reach_current_managers_only(world, cycle):
    # A former manager of station A1 (which has not submitted) who now manages B1 (which has):
    # the ended A1 row and the active B1 row must not combine into "manager of A1 today".
    due = cycle.self_due_on
    former = user_with_role(
        "former_a1", Role.STATION_MANAGER, station=world.station_a1, ends_on=due - dt.timedelta(30)
    )
    assign(former, Role.STATION_MANAGER, station=world.station_b1)
    inactive = user_with_role("inactive_a1", Role.STATION_MANAGER, station=world.station_a1)
    inactive.is_active = False
    inactive.save()
    ev_b1 = Evaluation.objects.get(cycle=cycle, station=world.station_b1)
    Evaluation.objects.filter(pk=ev_b1.pk).update(status=EvaluationStatus.SUBMITTED)
    services.reminders_send(cycle=cycle, today=due - dt.timedelta(days=1))
    services.reminders_send(cycle=cycle, today=due + dt.timedelta(days=1))  # level 1: managers
    assert Notification.objects.filter(recipient=world.station_a1_manager).count() == 2
    assert not Notification.objects.filter(recipient__in=[former, inactive]).exists()


def test_ending_an_evaluator_assignment_now_stops_access_at_once(world, assigned, login):
    client = login(world.evaluator)
    page = reverse("evaluations:evaluation_detail", args=[assigned.pk])
    assert client.get(page).status_code == 200
    assignment = EvaluatorAssignment.objects.get(evaluation=assigned, evaluator=world.evaluator)
    services.assignment_end(actor=world.city_officer, assignment=assignment)
    assert client.get(page).status_code == 404
    assert client.get(f"/api/v1/evaluations/{assigned.pk}/").status_code == 404
    # The assignment stays on record with its last day and the moment it ended.
    assignment.refresh_from_db()
    assert assignment.ends_on == clock.today() and assignment.ended_at <= clock.now()
    # Assigned again, the evaluator is back at once.
    services.assignment_create(
        actor=world.city_officer, evaluations=[assigned], evaluator=world.evaluator
    )
    assert client.get(page).status_code == 200


def test_ending_an_evaluator_role_now_stops_access_at_once(world, assigned, login):
    client = login(world.evaluator)
    page = reverse("evaluations:evaluation_detail", args=[assigned.pk])
    assert client.get(page).status_code == 200
    role = RoleAssignment.objects.get(user=world.evaluator)
    role_assignment_end(actor=world.city_admin, assignment=role)
    assert client.get(page).status_code == 404


def test_an_evaluator_whose_assignment_ended_hears_no_reminders(world, assigned, cycle):
    assignment = EvaluatorAssignment.objects.get(evaluation=assigned, evaluator=world.evaluator)
    services.assignment_end(actor=world.city_officer, assignment=assignment)
    services.reminders_send(cycle=cycle, today=cycle.scoring_due_on - dt.timedelta(days=1))
    assert not Notification.objects.filter(recipient=world.evaluator).exists()
