"""The notification inbox: pages and API show each user only their own messages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.models import Notification
from portal.services.notifications import notification_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(world):
    mine = notification_post(
        recipients=[world.district_a_officer],
        title="请审核五山街社工站的年度预算",
        body="预算已提交。",
        url="/stations/",
    )[0]
    second = notification_post(recipients=[world.district_a_officer], title="整改期限将到")[0]
    theirs = notification_post(recipients=[world.district_b_officer], title="赤岗街督查报告已发布")[
        0
    ]
    return {"mine": mine, "second": second, "theirs": theirs}


def test_the_inbox_lists_only_the_users_own_notifications(world, inbox, login):
    response = login(world.district_a_officer).get(reverse("notifications:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "请审核五山街社工站的年度预算" in html
    assert "整改期限将到" in html
    assert "赤岗街督查报告已发布" not in html


def test_the_city_admin_does_not_see_other_peoples_notifications(world, inbox, login):
    response = login(world.city_admin).get(reverse("notifications:list"))
    assert list(response.context["notifications"]) == []
    assert "暂无通知" in response.content.decode()


def test_another_users_notification_answers_404(world, inbox, login):
    client = login(world.district_a_officer)
    theirs = inbox["theirs"].pk
    assert client.get(reverse("notifications:detail", args=[theirs])).status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[theirs])).status_code == 404
    inbox["theirs"].refresh_from_db()
    assert inbox["theirs"].read_at is None


def test_marking_one_notification_read(world, inbox, login):
    client = login(world.district_a_officer)
    response = client.post(reverse("notifications:mark_read", args=[inbox["mine"].pk]))
    assert response.status_code == 302
    inbox["mine"].refresh_from_db()
    inbox["second"].refresh_from_db()
    assert inbox["mine"].read_at is not None
    assert inbox["second"].read_at is None


def test_marking_read_needs_a_post(world, inbox, login):
    client = login(world.district_a_officer)
    response = client.get(reverse("notifications:mark_read", args=[inbox["mine"].pk]))
    assert response.status_code == 405


def test_opening_a_notification_marks_it_read_and_links_on(world, inbox, login):
    client = login(world.district_a_officer)
    response = client.get(reverse("notifications:detail", args=[inbox["mine"].pk]))
    assert response.status_code == 200
    assert 'href="/stations/"' in response.content.decode()
    inbox["mine"].refresh_from_db()
    assert inbox["mine"].read_at is not None


def test_a_link_to_another_site_is_not_offered(world, login):
    note = notification_post(
        recipients=[world.city_officer], title="外链", url="https://evil.example/"
    )[0]
    html = login(world.city_officer).get(reverse("notifications:detail", args=[note.pk])).content
    assert b"evil.example" not in html


def test_marking_all_read_touches_only_the_users_own(world, inbox, login):
    client = login(world.district_a_officer)
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "已将 2 条通知标为已读" in response.content.decode()
    assert (
        Notification.objects.filter(recipient=world.district_a_officer, read_at=None).count() == 0
    )
    inbox["theirs"].refresh_from_db()
    assert inbox["theirs"].read_at is None


def test_the_header_shows_the_unread_count_linking_to_the_inbox(world, inbox, login):
    client = login(world.district_a_officer)
    html = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("notifications:list")}"' in html
    assert 'data-unread="2"' in html
    client.post(reverse("notifications:mark_read", args=[inbox["mine"].pk]))
    html = client.get(reverse("portal:home")).content.decode()
    assert 'data-unread="1"' in html


def test_the_unread_filter_and_unread_first_order(world, inbox, login):
    client = login(world.district_a_officer)
    client.post(reverse("notifications:mark_read", args=[inbox["second"].pk]))
    unread = client.get(reverse("notifications:list"), {"status": "unread"})
    assert [n.pk for n in unread.context["notifications"]] == [inbox["mine"].pk]
    ordered = client.get(reverse("notifications:list"), {"order": "unread_first"})
    assert [n.pk for n in ordered.context["notifications"]] == [
        inbox["mine"].pk,
        inbox["second"].pk,
    ]


def test_the_inbox_is_paginated_with_a_fixed_number_of_queries(
    world, login, django_assert_max_num_queries
):
    notification_post(recipients=[world.city_officer], title="第一条")
    Notification.objects.bulk_create(
        [Notification(recipient=world.city_officer, title=f"提醒 {i}") for i in range(45)]
    )
    client = login(world.city_officer)
    client.get(reverse("notifications:list"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("notifications:list"), {"page": 2})
    assert response.status_code == 200
    assert len(response.context["notifications"]) == 20
    assert "第 21–40 条，共 46 条" in response.content.decode()


# --- API --------------------------------------------------------------------------------


def test_the_api_lists_only_the_callers_notifications(world, inbox, login):
    response = login(world.district_a_officer).get("/api/v1/notifications/")
    assert response.status_code == 200
    titles = {row["title"] for row in response.json()["results"]}
    assert titles == {"请审核五山街社工站的年度预算", "整改期限将到"}


def test_the_api_filters_unread(world, inbox, login):
    client = login(world.district_a_officer)
    client.post(f"/api/v1/notifications/{inbox['second'].pk}/mark_read/")
    rows = client.get("/api/v1/notifications/", {"unread": "true"}).json()["results"]
    assert [r["id"] for r in rows] == [inbox["mine"].pk]


def test_the_api_answers_404_for_another_users_notification(world, inbox, login):
    client = login(world.district_a_officer)
    theirs = inbox["theirs"].pk
    assert client.get(f"/api/v1/notifications/{theirs}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs}/mark_read/").status_code == 404
    inbox["theirs"].refresh_from_db()
    assert inbox["theirs"].read_at is None


def test_the_api_marks_one_and_all_read(world, inbox, login):
    client = login(world.district_a_officer)
    one = client.post(f"/api/v1/notifications/{inbox['mine'].pk}/mark_read/")
    assert one.status_code == 200
    assert one.json() == {"marked": 1}
    assert client.get(f"/api/v1/notifications/{inbox['mine'].pk}/").json()["is_read"] is True
    rest = client.post("/api/v1/notifications/mark_all_read/")
    assert rest.json() == {"marked": 1}
    inbox["theirs"].refresh_from_db()
    assert inbox["theirs"].read_at is None


def test_the_api_refuses_anonymous_callers(client, inbox):
    assert client.get("/api/v1/notifications/").status_code in (401, 403)


def test_the_api_list_runs_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    Notification.objects.bulk_create(
        [Notification(recipient=world.city_officer, title=f"提醒 {i}") for i in range(30)]
    )
    client = login(world.city_officer)
    client.get("/api/v1/notifications/")
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/notifications/")
    assert response.json()["count"] == 30


def test_posting_to_many_recipients_takes_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    people = [UserFactory(username=f"reader{i}") for i in range(30)]
    with django_assert_max_num_queries(4):
        posted = notification_post(recipients=people, title="季度督查计划已确认", dedupe_key="k1")
    assert len(posted) == 30
    with django_assert_max_num_queries(2):
        assert (
            notification_post(recipients=people, title="季度督查计划已确认", dedupe_key="k1") == []
        )


def test_e_mail_goes_through_the_outbox_when_configured(
    world, settings, mailoutbox, django_capture_on_commit_callbacks
):
    from portal.services.notifications import outbox_deliver

    settings.EMAIL_HOST = "smtp.example.org"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification_post(recipients=[world.district_a_officer], title="整改期限将到")
    assert callbacks == []  # nothing deferred to the commit, nothing queued to Celery
    assert mailoutbox == []
    assert outbox_deliver() == 1  # the periodic task sends it
    assert [m.subject for m in mailoutbox] == ["整改期限将到"]
    assert mailoutbox[0].to == [world.district_a_officer.email]


def test_no_e_mail_is_queued_without_a_mail_server(
    world, settings, mailoutbox, django_capture_on_commit_callbacks
):
    from portal.services.notifications import outbox_deliver

    settings.EMAIL_HOST = ""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification_post(recipients=[world.district_a_officer], title="整改期限将到")
    assert callbacks == []
    assert outbox_deliver() == 0
    assert mailoutbox == []
