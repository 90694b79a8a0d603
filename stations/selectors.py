from __future__ import annotations

from datetime import date

from stations.models import Contract


def station_ids_run_by(*, institution_id: int, on: date):
    """Ids of stations ``institution_id`` runs under a contract in force on ``on`` (subquery)."""
    return Contract.objects.in_force(on).filter(institution_id=institution_id).values("station_id")


def operator_on(*, station_id: int, on: date):
    """The institution running a station's comprehensive project on a date, or ``None``."""
    contract = (
        Contract.objects.in_force(on)
        .filter(station_id=station_id, is_comprehensive=True)
        .select_related("institution")
        .first()
    )
    return contract.institution if contract else None
