"""The FilterSets shared by pages and API: narrowed choices and the filters themselves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory

from stations import filtersets
from stations.filtersets import (
    ContractFilterSet,
    InstitutionFilterSet,
    StationFilterSet,
)
from stations.models import Contract, CreditRecord, Institution, Station
from tests.factories import ContractFactory, SubdistrictFactory

pytestmark = pytest.mark.django_db


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def stations(user, **data):
    request = request_for(user)
    fs = StationFilterSet(
        data or None, queryset=Station.objects.restrict(user, "view"), request=request
    )
    return fs, [s.code for s in fs.qs]


def test_the_choices_are_what_the_user_may_see(world):
    fs, _codes = stations(world.subdistrict_a1_officer)
    fields = fs.form.fields
    assert list(fields["district"].queryset) == [world.district_a]
    assert list(fields["subdistrict"].queryset) == [world.subdistrict_a1]
    assert list(fields["institution"].queryset) == [world.institution_a]


def test_choosing_a_district_narrows_the_street_dropdown(world):
    fs, _codes = stations(world.city_officer, district=str(world.district_b.pk))
    assert list(fs.form.fields["subdistrict"].queryset) == [world.subdistrict_b1]


def test_large_dropdowns_render_a_bounded_number_of_options(world, monkeypatch):
    monkeypatch.setattr(filtersets, "CHOICE_LIMIT", 2)
    for n in range(4):
        sub = SubdistrictFactory(district=world.district_a, code=f"44010609{n}")
        Station.objects.create(code=f"TH-9{n}", name="x", subdistrict=sub)
    fs, _codes = stations(world.city_officer)
    options = list(fs.form.fields["subdistrict"].choices)
    assert len(options) == 3  # the empty choice and two rows
    # Validation still accepts any street/town in scope beyond the rendered ones.
    last = Station.objects.get(code="TH-93").subdistrict
    fs, codes = stations(world.city_officer, subdistrict=str(last.pk))
    assert codes == ["TH-93"]


def test_a_dropdown_within_the_limit_renders_every_option_in_one_query(
    world, django_assert_num_queries
):
    fs, _codes = stations(world.city_officer, district=str(world.district_b.pk))
    with django_assert_num_queries(1):
        html = str(fs.form["district"])
    assert html.count("<option") == 3  # all districts and the empty choice
    assert f'<option value="{world.district_b.pk}" selected>' in html
    assert "data-autocomplete" not in html


def test_a_dropdown_over_the_limit_renders_only_the_choice_and_a_search_source(
    world, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(filtersets, "CHOICE_LIMIT", 1)
    fs, codes = stations(world.city_officer, subdistrict=str(world.subdistrict_b1.pk))
    assert codes == ["HZ-001"]  # the filter itself is unchanged
    with django_assert_num_queries(1):  # the chosen row comes from the field's own cleaning
        html = str(fs.form["subdistrict"])
    assert html.count("<option") == 2
    assert f'<option value="{world.subdistrict_b1.pk}" selected>{world.subdistrict_b1.name}' in html
    assert 'data-autocomplete="/stations/choices/subdistrict/"' in html
    assert 'data-narrow-by="district"' in html
    fs, _codes = stations(world.city_officer)
    html = str(fs.form["subdistrict"])
    assert html.count("<option") == 1


def test_a_dropdown_option_escapes_the_name(world):
    Institution.objects.filter(pk=world.institution_a.pk).update(name="<b>A&B</b>")
    fs, _codes = stations(world.city_officer)
    html = str(fs.form["institution"])
    assert "&lt;b&gt;A&amp;B&lt;/b&gt;" in html
    assert "<b>" not in html


def test_an_out_of_scope_choice_is_ignored_on_the_page(world):
    fs, codes = stations(world.district_a_officer, district=str(world.district_b.pk))
    assert "district" in fs.errors
    assert codes == ["TH-001", "TH-002"]


def test_the_institution_filter_means_the_operator_today(world, today):
    ContractFactory(
        station=world.station_b1, institution=world.institution_a, service_year=today.year - 1
    )
    _fs, codes = stations(world.city_officer, institution=str(world.institution_a.pk))
    assert codes == ["TH-001"]


def test_the_service_year_filter_ignores_cancelled_contracts(world, today):
    ContractFactory(
        station=world.station_b1,
        institution=world.institution_a,
        service_year=today.year - 3,
        status="cancelled",
    )
    _fs, codes = stations(world.city_officer, service_year=str(today.year - 3))
    assert codes == []


def test_contracts_in_force_on_a_date_include_terminated_ones_for_the_days_they_ran(world, today):
    Contract.objects.filter(pk=world.contract_b1.pk).update(
        status="terminated", ends_on=dt.date(today.year, 3, 31)
    )
    qs = Contract.objects.restrict(world.city_officer, "view")
    request = request_for(world.city_officer)

    def codes(on):
        fs = ContractFilterSet({"in_force_on": on}, queryset=qs, request=request)
        return sorted(c.code for c in fs.qs)

    assert world.contract_b1.code in codes(f"{today.year}-03-31")
    assert world.contract_b1.code not in codes(f"{today.year}-04-01")


def test_institutions_with_open_credit_records_are_found(world):
    CreditRecord.objects.create(
        institution=world.institution_b,
        kind="abnormal_operation",
        listed_on=dt.date(2024, 1, 1),
        reason="x",
    )
    CreditRecord.objects.create(
        institution=world.institution_a,
        kind="abnormal_operation",
        listed_on=dt.date(2023, 1, 1),
        reason="x",
        lifted_on=dt.date(2023, 6, 1),
    )
    qs = Institution.objects.restrict(world.city_officer, "view")
    fs = InstitutionFilterSet(
        {"listed": "true"}, queryset=qs, request=request_for(world.city_officer)
    )
    assert list(fs.qs) == [world.institution_b]
    fs = InstitutionFilterSet(
        {"q": world.institution_a.credit_code[-6:]},
        queryset=qs,
        request=request_for(world.city_officer),
    )
    assert list(fs.qs) == [world.institution_a]


def test_anonymous_requests_get_no_choices(world):
    from django.contrib.auth.models import AnonymousUser

    fs = StationFilterSet(
        None, queryset=Station.objects.none(), request=request_for(AnonymousUser())
    )
    assert list(fs.form.fields["district"].queryset) == []
