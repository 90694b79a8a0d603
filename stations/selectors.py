from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from stations.models import Contract, Institution, Station

_ONE_DAY = timedelta(days=1)


def station_ids_run_by(*, institution_id: int, on: date):
    """Ids of stations ``institution_id`` runs under a contract in force on ``on`` (subquery)."""
    return Contract.objects.in_force(on).filter(institution_id=institution_id).values("station_id")


def operator_ids_by_station(*, station_ids, on: date) -> dict[int, set[int]]:
    """Station id -> ids of the institutions running it under a contract in force on ``on``
    (any project: the reach ``station_ids_run_by`` gives an institution admin). One query."""
    result: dict[int, set[int]] = {}
    for sid, iid in (
        Contract.objects.in_force(on)
        .filter(station_id__in=list(station_ids))
        .values_list("station_id", "institution_id")
    ):
        result.setdefault(sid, set()).add(iid)
    return result


def operator_on(*, station_id: int, on: date):
    """The institution running a station's comprehensive project on a date, or ``None``."""
    contract = (
        Contract.objects.in_force(on)
        .filter(station_id=station_id, is_comprehensive=True)
        .select_related("institution")
        .first()
    )
    return contract.institution if contract else None


def with_operator(stations, on: date):
    """Annotate ``operator_id``/``operator_name``: who runs each station's comprehensive project
    on ``on``. Two correlated subqueries inside the one list query, never a query per row."""
    from django.db.models import OuterRef, Subquery

    in_force = (
        Contract.objects.in_force(on)
        .filter(station_id=OuterRef("pk"), is_comprehensive=True)
        .order_by("-starts_on")
    )
    return stations.annotate(
        operator_id=Subquery(in_force.values("institution_id")[:1]),
        operator_name=Subquery(in_force.values("institution__name")[:1]),
    )


def district_figures(stations, on: date) -> list[dict]:
    """Per district: stations and contracts in force on ``on``, over ``stations`` (one query)."""
    from django.db.models import Count, Q

    from stations.choices import BINDING_CONTRACT_STATUSES

    in_force = Q(
        contracts__status__in=BINDING_CONTRACT_STATUSES,
        contracts__starts_on__lte=on,
        contracts__ends_on__gte=on,
    )
    return list(
        stations.order_by()
        .values("district_id", "district__code", "district__name")
        .annotate(
            stations=Count("pk", distinct=True),
            contracts_in_force=Count("contracts", filter=in_force, distinct=True),
        )
        .order_by("district__code")
    )


def station_headline_figures(user, on: date) -> dict:
    """The home page's headline figures over what ``user`` may see, on ``on``.

    Stations in scope; contracts in force, the institutions running them and their annual
    fees (元, Decimal). Two aggregate queries, both through ``restrict``.
    """
    from decimal import Decimal

    from django.db.models import Count, Sum

    stations = Station.objects.restrict(user, "view").count()
    contracts = (
        Contract.objects.restrict(user, "view")
        .in_force(on)
        .aggregate(
            contracts=Count("pk"),
            institutions=Count("institution_id", distinct=True),
            annual_fee=Sum("annual_fee"),
        )
    )
    return {
        "stations": stations,
        "contracts_in_force": contracts["contracts"],
        "institutions": contracts["institutions"],
        "annual_fee": contracts["annual_fee"] or Decimal("0.00"),
    }


def operators_on(*, station_ids, on: date) -> dict[int, Institution]:
    """Station id -> institution running its comprehensive project on ``on`` (one query)."""
    contracts = (
        Contract.objects.in_force(on)
        .filter(station_id__in=list(station_ids), is_comprehensive=True)
        .select_related("institution")
        .only("station_id", "institution")
    )
    return {c.station_id: c.institution for c in contracts}


def contract_history(*, station: Station):
    """A station's contracts, newest first, with what a history table shows."""
    return (
        Contract.objects.filter(station=station)
        .select_related("institution", "kind", "purchaser", "policy_version")
        .order_by("-starts_on", "code")
    )


@dataclass(frozen=True)
class StationTerm:
    """A station an institution ran, from its first to its last contract day (comprehensive)."""

    station: Station
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class InstitutionStations:
    current: list[StationTerm]
    former: list[StationTerm]


def institution_stations(*, institution: Institution, on: date) -> InstitutionStations:
    """Stations ``institution`` runs on ``on`` and those it ran before (one query).

    A term joins the institution's consecutive contracts at a station; a station it runs now
    and also ran in an earlier, separate spell appears in both lists.
    """
    contracts = (
        Contract.objects.binding()
        .filter(institution=institution, is_comprehensive=True, starts_on__lte=on)
        .select_related("station", "station__subdistrict", "station__district")
        .order_by("station_id", "starts_on")
    )
    terms: list[StationTerm] = []
    for c in contracts:
        last = terms[-1] if terms else None
        if last and last.station.pk == c.station_id and c.starts_on <= last.ends_on + _ONE_DAY:
            terms[-1] = StationTerm(last.station, last.starts_on, max(last.ends_on, c.ends_on))
        else:
            terms.append(StationTerm(c.station, c.starts_on, c.ends_on))
    current = [t for t in terms if t.starts_on <= on <= t.ends_on]
    former = [t for t in terms if t.ends_on < on]
    current.sort(key=lambda t: t.station.code)
    former.sort(key=lambda t: (-t.ends_on.toordinal(), t.station.code))
    return InstitutionStations(current, former)


def station_district_figures(user, on: date) -> list[dict]:
    """Per district, over the stations ``user`` may see: stations and contracts in force."""
    return district_figures(Station.objects.restrict(user, "view"), on)
