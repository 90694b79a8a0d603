"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from portal import clock
from portal.choices import Role
from portal.models import RoleAssignment, User
from stations.choices import ContractStatus
from stations.models import (
    Community,
    Contract,
    District,
    Institution,
    ProjectKind,
    Station,
    Subdistrict,
)
from stations.rules import credit_code_for_index

PASSWORD = "Portal-Test-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{449000 + n:06d}")
    name = factory.Sequence(lambda n: f"测试区{n}")


class SubdistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subdistrict
        django_get_or_create = ("code",)

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"{449000000 + n:09d}")
    name = factory.Sequence(lambda n: f"测试街道{n}")
    kind = "street"


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    subdistrict = factory.SubFactory(SubdistrictFactory)
    code = factory.Sequence(lambda n: f"{449000000000 + n:012d}")
    name = factory.Sequence(lambda n: f"测试社区{n}")
    kind = "residents"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"测试社会工作服务中心{n}")
    # Distinct codes that pass the GB 32100 check (stations.rules).
    credit_code = factory.Sequence(credit_code_for_index)
    legal_representative = "张三"
    registration_authority = "广州市民政局"


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station

    subdistrict = factory.SubFactory(SubdistrictFactory)
    code = factory.Sequence(lambda n: f"ST{n:05d}")
    name = factory.LazyAttribute(lambda o: f"{o.subdistrict.name}社工服务站")


def comprehensive_kind() -> ProjectKind:
    return ProjectKind.objects.get(is_comprehensive=True)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    code = factory.Sequence(lambda n: f"HT-{n:06d}")
    station = factory.SubFactory(StationFactory)
    institution = factory.SubFactory(InstitutionFactory)
    purchaser = factory.LazyAttribute(lambda o: o.station.subdistrict)
    kind = factory.LazyFunction(comprehensive_kind)
    service_year = factory.LazyFunction(lambda: clock.today().year)
    starts_on = factory.LazyAttribute(lambda o: dt.date(o.service_year, 1, 1))
    ends_on = factory.LazyAttribute(lambda o: dt.date(o.service_year, 12, 31))
    annual_fee = Decimal("2400000.00")
    status = ContractStatus.SIGNED


def assign(user: User, role: str, **anchor) -> RoleAssignment:
    assignment = RoleAssignment.objects.create(user=user, role=role, **anchor)
    user.forget_assignments()
    return assignment


def user_with_role(username: str, role: str, **anchor) -> User:
    user = UserFactory(username=username)
    assign(user, role, **anchor)
    return user


__all__ = [
    "PASSWORD",
    "CommunityFactory",
    "ContractFactory",
    "DistrictFactory",
    "InstitutionFactory",
    "Role",
    "StationFactory",
    "SubdistrictFactory",
    "UserFactory",
    "assign",
    "user_with_role",
]
