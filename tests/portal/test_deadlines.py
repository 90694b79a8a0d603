"""Deadline reminders and escalation: the one ladder rule, the ladders in policy data, and the
city admin's page to edit them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from portal import clock
from portal.choices import DeadlineKind, LadderLevel
from portal.errors import Conflict
from portal.models import DeadlineLadder, PolicyVersion
from portal.rules import (
    Ladder,
    days_late,
    escalation_level,
    ladder_problems,
    levels_reached,
    remind_horizon,
    should_remind,
)
from portal.selectors import PolicyMissing, ladder_in_force
from portal.services import policy as services

EVALUATION = Ladder(
    remind_before=(3,), station_after=1, institution_after=4, district_after=8, city_after=15
)
RENEWAL = Ladder(remind_before=(90, 30, 7))
FUNDING = Ladder(station_after=1, institution_after=1, district_after=16)
DUE = date(2030, 6, 30)


# --- the rule ------------------------------------------------------------------------------


def test_the_due_day_is_not_late_and_the_day_after_is_one_day_late():
    assert days_late(DUE, DUE) == 0
    assert days_late(DUE - timedelta(days=5), DUE) == 0
    assert days_late(DUE + timedelta(days=1), DUE) == 1


@pytest.mark.parametrize(
    ("late", "level"),
    [(0, 0), (1, 1), (3, 1), (4, 2), (7, 2), (8, 3), (14, 3), (15, 4), (400, 4)],
)
def test_each_level_is_reached_on_its_own_day_and_not_the_day_before(late, level):
    assert escalation_level(late, EVALUATION) == level


def test_every_level_reached_is_listed_so_a_missed_run_skips_nobody():
    assert levels_reached(0, EVALUATION) == []
    assert levels_reached(8, EVALUATION) == [
        LadderLevel.STATION,
        LadderLevel.INSTITUTION,
        LadderLevel.DISTRICT,
    ]


def test_a_level_without_days_is_never_told_and_levels_may_share_a_day():
    assert levels_reached(1, FUNDING) == [LadderLevel.STATION, LadderLevel.INSTITUTION]
    assert levels_reached(15, FUNDING) == [LadderLevel.STATION, LadderLevel.INSTITUTION]
    assert levels_reached(16, FUNDING)[-1] == LadderLevel.DISTRICT
    assert escalation_level(10_000, FUNDING) == LadderLevel.DISTRICT
    assert escalation_level(10_000, RENEWAL) == LadderLevel.NONE


@pytest.mark.parametrize(
    ("left", "horizon"),
    [(91, None), (90, 90), (31, 90), (30, 30), (8, 30), (7, 7), (0, 7), (-1, None)],
)
def test_the_reminder_horizon_is_the_smallest_the_days_left_fall_within(left, horizon):
    assert remind_horizon(DUE - timedelta(days=left), DUE, RENEWAL) == horizon


def test_a_reminder_is_due_from_its_horizon_to_the_due_day_only():
    assert not should_remind(DUE - timedelta(days=4), DUE, EVALUATION)
    assert should_remind(DUE - timedelta(days=3), DUE, EVALUATION)
    assert should_remind(DUE, DUE, EVALUATION)
    assert not should_remind(DUE + timedelta(days=1), DUE, EVALUATION)
    assert not should_remind(DUE, DUE, FUNDING)


@given(st.integers(min_value=-50, max_value=500))
def test_the_level_never_falls_as_days_pass(late):
    assert escalation_level(late + 1, EVALUATION) >= escalation_level(late, EVALUATION)


def test_a_ladder_must_climb_and_start_after_the_due_day():
    assert ladder_problems([3], [1, 4, 8, 15]) == {}
    assert ladder_problems([], [None, None, None, None]) == {}
    assert ladder_problems([], [1, 1, 16, None]) == {}
    assert "district_after_days" in ladder_problems([], [1, 10, 8, None])
    assert "city_after_days" in ladder_problems([], [None, 10, None, 5])
    assert "station_after_days" in ladder_problems([], [0, None, None, None])
    assert "remind_before_days" in ladder_problems([400], [None] * 4)


# --- policy data ---------------------------------------------------------------------------


def future(days: int = 30) -> date:
    return clock.today() + timedelta(days=days)


def seeded_2018() -> PolicyVersion:
    return PolicyVersion.objects.get(effective_from=date(2018, 1, 1))


@pytest.mark.django_db
def test_every_seeded_version_carries_a_ladder_of_every_kind():
    for version in PolicyVersion.objects.all():
        assert set(version.ladders.values_list("kind", flat=True)) == set(DeadlineKind.values)


@pytest.mark.django_db
def test_the_seeded_ladders_are_the_values_the_code_enforced_before():
    assert ladder_in_force(DeadlineKind.EVALUATION_SELF).as_rule() == EVALUATION
    assert ladder_in_force(DeadlineKind.EVALUATION_SCORING).as_rule() == EVALUATION
    assert ladder_in_force(DeadlineKind.TALENT_RENEWAL).as_rule() == RENEWAL
    assert ladder_in_force(DeadlineKind.FUNDING_REPORT).as_rule() == FUNDING
    rectification = ladder_in_force(DeadlineKind.RECTIFICATION).as_rule()
    assert (
        rectification.institution_after,
        rectification.district_after,
        rectification.city_after,
    ) == (3, 10, 30)


@pytest.mark.django_db
def test_a_version_without_a_ladder_of_its_own_uses_the_one_before_it(world):
    later = PolicyVersion.objects.create(name="无升级规则", effective_from=future())
    ladder = ladder_in_force(DeadlineKind.EVALUATION_SELF, future())
    assert ladder.policy == seeded_2018()
    DeadlineLadder.objects.create(policy=later, kind=DeadlineKind.EVALUATION_SELF)
    assert ladder_in_force(DeadlineKind.EVALUATION_SELF, future()).policy == later
    assert ladder_in_force(DeadlineKind.EVALUATION_SELF).policy == seeded_2018()


@pytest.mark.django_db
def test_no_ladder_before_any_version_says_so_in_chinese():
    with pytest.raises(PolicyMissing, match="评估自评提交"):
        ladder_in_force(DeadlineKind.EVALUATION_SELF, date(2000, 1, 1))


@pytest.mark.django_db
def test_a_new_version_starts_with_the_ladders_in_force_as_its_own(world):
    version = services.policy_version_create(
        actor=world.city_admin, name="下一版", effective_from=future()
    )
    assert version.ladders.count() == len(DeadlineKind.values)
    assert version.ladders.get(kind=DeadlineKind.TALENT_RENEWAL).remind_before_days == [90, 30, 7]


@pytest.mark.django_db
def test_a_ladder_of_a_version_in_force_is_frozen(world):
    with pytest.raises(Conflict):
        services.deadline_ladder_save(
            actor=world.city_admin,
            version=seeded_2018(),
            kind=DeadlineKind.EVALUATION_SELF,
            city_after_days=30,
        )
    assert ladder_in_force(DeadlineKind.EVALUATION_SELF).city_after_days == 15


@pytest.mark.django_db
def test_a_ladder_that_falls_back_is_refused_on_its_field(world):
    version = services.policy_version_create(
        actor=world.city_admin, name="下一版", effective_from=future()
    )
    with pytest.raises(ValidationError) as caught:
        services.deadline_ladder_save(
            actor=world.city_admin,
            version=version,
            kind=DeadlineKind.EVALUATION_SELF,
            district_after_days=2,
        )
    assert "依次不减" in caught.value.message_dict["district_after_days"][0]


# --- the page ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_detail_page_lists_every_ladder_in_chinese(world, login):
    response = login(world.district_a_officer).get(
        reverse("manage:policy_detail", args=[seeded_2018().pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "期限提醒与逾期升级" in html
    for kind in DeadlineKind:
        assert f'data-kind="{kind.value}"' in html
        assert str(kind.label) in html
    assert (
        reverse("manage:policy_ladder_update", args=[seeded_2018().pk, "evaluation_self"])
        not in html
    )


@pytest.mark.django_db
def test_the_city_admin_edits_a_ladder_of_a_future_version(world, login):
    version = services.policy_version_create(
        actor=world.city_admin, name="下一版", effective_from=future()
    )
    client = login(world.city_admin)
    url = reverse("manage:policy_ladder_update", args=[version.pk, "funding_report"])
    form = client.get(url).context["form"]
    assert form.initial["district_after_days"] == 16
    response = client.post(
        url,
        {
            "remind_before_days": "5,2",
            "station_after_days": "1",
            "institution_after_days": "3",
            "district_after_days": "10",
            "city_after_days": "",
            "source": "区要求",
        },
    )
    assert response.status_code == 302
    ladder = version.ladders.get(kind="funding_report")
    assert ladder.remind_before_days == [5, 2] and ladder.city_after_days is None
    assert ladder_in_force(DeadlineKind.FUNDING_REPORT, future()).institution_after_days == 3


@pytest.mark.django_db
def test_a_bad_ladder_on_the_page_answers_400_on_its_field(world, login):
    version = services.policy_version_create(
        actor=world.city_admin, name="下一版", effective_from=future()
    )
    url = reverse("manage:policy_ladder_update", args=[version.pk, "evaluation_self"])
    response = login(world.city_admin).post(
        url, {"remind_before_days": "3", "station_after_days": "9", "institution_after_days": "4"}
    )
    assert response.status_code == 400
    assert "依次不减" in response.context["form"].errors["institution_after_days"][0]


@pytest.mark.django_db
def test_editing_a_ladder_in_force_answers_409_and_others_403_and_unknown_kinds_404(world, login):
    in_force = reverse("manage:policy_ladder_update", args=[seeded_2018().pk, "evaluation_self"])
    response = login(world.city_admin).post(in_force, {"station_after_days": "2"})
    assert response.status_code == 409
    assert services.FROZEN in response.content.decode()
    version = services.policy_version_create(
        actor=world.city_admin, name="下一版", effective_from=future()
    )
    url = reverse("manage:policy_ladder_update", args=[version.pk, "evaluation_self"])
    assert login(world.city_officer).get(url).status_code == 403
    unknown = reverse("manage:policy_ladder_update", args=[version.pk, "budget"])
    assert login(world.city_admin).get(unknown).status_code == 404
