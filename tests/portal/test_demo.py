"""The portal's demo step: every demo account starts with one unread message in its inbox."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.demo import WELCOME_TITLE, welcome_notifications
from portal.models import Notification
from stations.demo import DemoContext, demo_steps

pytestmark = pytest.mark.django_db


def demo_context(world, today) -> DemoContext:
    accounts = {u.username: u for u in (world.city_admin, world.district_a_officer)}
    return DemoContext(scale="city", seed=1, today=today, data={"accounts": accounts})


def test_the_demo_runs_the_welcome_step_after_the_accounts_exist():
    order = {step.name: step.order for step in demo_steps()}
    assert order["welcome_notifications"] > order["accounts"]


def test_each_demo_account_gets_one_welcome_message_and_the_header_counts_it(world, login, today):
    welcome_notifications(demo_context(world, today))
    welcome_notifications(demo_context(world, today))  # a rerun posts nothing twice
    assert Notification.objects.filter(title=WELCOME_TITLE).count() == 2
    assert not Notification.objects.filter(recipient=world.station_a1_manager).exists()

    page = login(world.district_a_officer).get("/").content.decode()
    assert 'data-unread="1"' in page
    inbox = login(world.district_a_officer).get(reverse("notifications:list")).content.decode()
    assert WELCOME_TITLE in inbox
