"""Issue 12, "no silent overwrite": two managers of one station saving one self-assessment
item; the second, who read the item before the first saved, gets 409 and keeps the text."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from evaluations.choices import Scorer
from evaluations.models import SelfAssessment
from portal.choices import Role
from tests.evaluations.conftest import leaves
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _item_version(page, node_id) -> str:
    """The version the page's form for one item posts (the hidden input after its node)."""
    text = page.content.decode()
    at = text.index(f'name="node" value="{node_id}"')
    marker = 'name="version" value="'
    start = text.index(marker, at) + len(marker)
    return text[start : text.index('"', start)]


@pytest.mark.parametrize("first_existed", [False, True])
def test_two_managers_saving_one_item_the_second_gets_409(world, ev_a1, first_existed):
    second_manager = user_with_role(
        "station_a1_deputy", Role.STATION_MANAGER, station=world.station_a1
    )
    leaf = next(lf for lf in leaves(ev_a1) if lf.scorer == Scorer.EVALUATOR)
    url = reverse("evaluations:self_save", args=[ev_a1.pk])
    detail = reverse("evaluations:evaluation_detail", args=[ev_a1.pk])
    one, two = _client(world.station_a1_manager), _client(second_manager)
    if first_existed:
        page = one.get(detail)
        assert (
            one.post(
                url, {"node": leaf.id, "text": "初稿", "version": _item_version(page, leaf.id)}
            ).status_code
            == 302
        )
    seen_one, seen_two = (_item_version(c.get(detail), leaf.id) for c in (one, two))
    assert seen_one == seen_two

    first = one.post(url, {"node": leaf.id, "text": "第一位站长的说明", "version": seen_one})
    assert first.status_code == 302
    second = two.post(url, {"node": leaf.id, "text": "第二位站长的说明", "version": seen_two})
    assert second.status_code == 409
    text = second.content.decode()
    assert "此记录已被" in text and world.station_a1_manager.username in text
    assert "第二位站长的说明" in text  # kept on the page
    entry = SelfAssessment.objects.get(evaluation=ev_a1, node_id=leaf.id)
    assert entry.text == "第一位站长的说明"

    fresh = _item_version(two.get(detail), leaf.id)
    assert (
        two.post(url, {"node": leaf.id, "text": "合并后的说明", "version": fresh}).status_code
        == 302
    )
    entry.refresh_from_db()
    assert entry.text == "合并后的说明"


def test_the_api_refuses_a_stale_self_assessment_version(world, ev_a1):
    leaf = next(lf for lf in leaves(ev_a1) if lf.scorer == Scorer.EVALUATOR)
    api = APIClient()
    api.force_authenticate(world.station_a1_manager)
    url = f"/api/v1/evaluations/{ev_a1.pk}/self-assessment/"
    first = api.post(url, {"node": leaf.id, "text": "一", "version": 0}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 1
    stale = api.post(url, {"node": leaf.id, "text": "二", "version": 0}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    fresh = api.post(url, {"node": leaf.id, "text": "二", "version": 1}, format="json")
    assert fresh.status_code == 200 and fresh.json()["version"] == 2


def test_a_stale_framework_node_edit_answers_409(world, framework):
    from evaluations import services
    from evaluations.models import FrameworkNode

    draft = services.framework_new_version(actor=world.city_admin, framework=framework)
    node = FrameworkNode.objects.filter(framework=draft, max_score__isnull=False).first()
    client = _client(world.city_admin)
    page = client.get(reverse("evaluations:framework_detail", args=[draft.pk]))
    assert f'name="version" value="{node.version}"' in page.content.decode()
    url = reverse("evaluations:framework_action", args=[draft.pk, "update-node"])
    post = {"node": node.pk, "name": node.name, "max_score": "6", "weight": ""}
    assert client.post(url, {**post, "version": node.version}).status_code == 302
    stale = client.post(url, {**post, "max_score": "7", "version": node.version})
    assert stale.status_code == 409 and "此记录已被" in stale.content.decode()
    node.refresh_from_db()
    assert node.max_score == 6
