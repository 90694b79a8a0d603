"""Issue 12, "no silent overwrite": the visit's answer sheet carries the visit's version."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from inspections import services
from inspections.models import Inspection, InspectionAnswer
from tests.inspections.conftest import make_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(world, plan):
    visit = make_visit(
        station=world.station_a1,
        plan=plan,
        inspector=world.inspector,
        institution=world.institution_a,
    )
    return services.inspection_start(actor=world.inspector, visit=visit)


def test_a_stale_answer_sheet_answers_409_on_the_page_and_in_the_api(world, started):
    item = started.checklist.items.order_by("pk").first()
    client = Client()
    client.force_login(world.inspector, backend="django.contrib.auth.backends.ModelBackend")
    detail = client.get(reverse("inspections:inspection_detail", args=[started.pk]))
    seen = Inspection.objects.get(pk=started.pk).version
    assert f'name="version" value="{seen}"' in detail.content.decode()

    url = reverse("inspections:visit_answers", args=[started.pk])
    first = client.post(url, {f"result_{item.pk}": "pass", "version": seen})
    assert first.status_code == 302
    stale = client.post(url, {f"result_{item.pk}": "fail", "version": seen})
    assert stale.status_code == 409 and "此记录已被" in stale.content.decode()
    assert InspectionAnswer.objects.get(inspection=started, item=item).result == "pass"

    api = APIClient()
    api.force_authenticate(world.inspector)
    api_url = f"/api/v1/inspections/visits/{started.pk}/answers/"
    body = {"answers": [{"item": str(item.pk), "result": "fail"}]}
    refused = api.post(api_url, body, format="json", HTTP_IF_MATCH=f'W/"{seen}"')
    assert refused.status_code == 409, refused.json()
    assert refused.json()["code"] == "conflict"
    current = Inspection.objects.get(pk=started.pk).version
    accepted = api.post(api_url, body, format="json", HTTP_IF_MATCH=f'W/"{current}"')
    assert accepted.status_code == 200
    assert InspectionAnswer.objects.get(inspection=started, item=item).result == "fail"
    assert Inspection.objects.get(pk=started.pk).version == current + 1
