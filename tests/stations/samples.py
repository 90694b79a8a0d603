"""Samples of the stations app for the scope walk (tests/samples.py).

Station A1 and its contract with institution A are the anchors every other sample hangs
off; the public reference rows are district A's own.
"""

from __future__ import annotations

import datetime as dt

from portal import clock
from stations.choices import CreditListKind
from stations.models import (
    Community,
    Contract,
    CreditRecord,
    District,
    Institution,
    Outpost,
    ProjectKind,
    Station,
    Subdistrict,
)
from tests.factories import CommunityFactory, comprehensive_kind
from tests.samples import MARK, register, sample


@register(District)
def district(world) -> District:
    return world.district_a


@register(Subdistrict)
def subdistrict(world) -> Subdistrict:
    return world.subdistrict_a1


@register(Community)
def community(world) -> Community:
    return CommunityFactory(subdistrict=world.subdistrict_a1, name="五山社区")


@register(Institution)
def institution(world) -> Institution:
    return world.institution_a


@register(CreditRecord)
def credit_record(world) -> CreditRecord:
    return CreditRecord.objects.create(
        institution=world.institution_a,
        kind=CreditListKind.ADMINISTRATIVE_PENALTY,
        listed_on=clock.today() - dt.timedelta(days=30),
        authority="天河区民政局",
        reason="逾期未报送年度报告",
    )


@register(ProjectKind)
def project_kind(world) -> ProjectKind:
    return comprehensive_kind()


@register(Station)
def station(world) -> Station:
    return world.station_a1


@register(Contract)
def contract(world) -> Contract:
    return world.contract_a1


@register(Outpost)
def outpost(world) -> Outpost:
    return Outpost.objects.create(
        station=world.station_a1,
        community=sample(world, Community),
        name=f"{MARK}社工点",
        opened_on=clock.today() - dt.timedelta(days=100),
    )
