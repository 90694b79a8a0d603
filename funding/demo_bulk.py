"""Nation-scale funding data written by PostgreSQL itself (``funding_bench --bulk``).

The ``funding`` demo step builds every row in Python and writes it with ``bulk_create``: fine
for a city or a province, far too slow for 40,000 stations (about 1.4 million monthly reports
and 9 million spending lines). This module writes the same shape of data with a few
``INSERT ... SELECT generate_series(...)`` statements:

- for every binding contract of the last ``DEMO_YEARS`` service years, one approved budget
  (revision 1) whose seven lines add up exactly to the fee, the personnel share 1-7 points
  above the floor of the policy in force for the year, split as ``funding.demo`` splits it
  (the rounding rest on the first line of each part, amounts half-up to the fen);
- monthly reports up to last month (approved; the last month's submitted), each with its
  lines by category adding up to the report's total and personnel, zero lines left out;
- about 3% of station-years under the floor, and this year about 5% spending at a rate that
  projects them under it, as in the demo;
- a few social-resource entries per station and year;
- then the yearly records through the app's own services: ``funding_years_refresh`` for each
  year and ``funding_years_finalise_due`` (past years final with the policy that judged them).

Random draws are deterministic: ``hashtext`` of the seed, the row and a tag, scaled to [0, 1).
"""

from __future__ import annotations

from datetime import date

from django.db import connection

from funding.choices import BudgetStatus, ReportStatus, ResourceKind
from funding.demo import (
    DEMO_YEARS,
    OTHER_SPLIT,
    PERSONNEL_SPLIT,
    RESOURCE_SOURCES,
    latest_ended_month,
)
from portal import clock

FUNDING_TABLES = [
    "funding_spendingattachment",
    "funding_spendingline",
    "funding_spendingreport",
    "funding_fundingyear",
    "funding_budgetline",
    "funding_budget",
    "funding_socialresource",
]


def _rand(*parts: str) -> str:
    """SQL for a deterministic draw in [0, 1) from the seed and ``parts`` (SQL expressions)."""
    joined = ", ':', ".join(parts)
    return f"((hashtext(concat(%(seed)s::text, ':', {joined})) & 2147483647)::numeric / 2147483648)"


def _randint(low: int, high: int, *parts: str) -> str:
    return f"({low} + floor({_rand(*parts)} * {high - low + 1}))"


def _split_sql(total: str, parts) -> list[tuple[str, str]]:
    """(category, SQL amount) of ``total`` split by shares, the rest on the first part."""
    rest = [(c, f"round(({total}) * {share}, 2)") for c, share in parts[1:]]
    first = (parts[0][0], f"({total}) - " + " - ".join(expr for _c, expr in rest))
    return [first, *rest]


def funding_bulk(*, seed: int, today: date | None = None, log=print) -> dict[str, int]:
    """Write the funding demo data with set-based SQL (PostgreSQL only). Replaces any there."""
    from funding.services.years import funding_years_finalise_due, funding_years_refresh
    from portal.selectors import policy_for_service_year
    from stations.models import BINDING_CONTRACT_STATUSES

    if connection.vendor != "postgresql":
        raise RuntimeError("funding_bulk needs PostgreSQL")
    today = today or clock.today()
    years = list(range(today.year - DEMO_YEARS + 1, today.year + 1))
    policies = {y: policy_for_service_year(y) for y in years}
    waiting_year, waiting_month = latest_ended_month(today)
    params = {
        "seed": str(seed),
        "years": years,
        "this_year": today.year,
        "this_month": today.month,
        "waiting_year": waiting_year,
        "waiting_month": waiting_month,
        "now": clock.now(),
        "binding": [str(s) for s in BINDING_CONTRACT_STATUSES],
        "approved": BudgetStatus.APPROVED.value,
        "report_approved": ReportStatus.APPROVED.value,
        "report_submitted": ReportStatus.SUBMITTED.value,
    }
    policy_rows = ", ".join(
        f"({y}, {int(p.pk)}, {p.personnel_floor_percent}::numeric)" for y, p in policies.items()
    )
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO off")
        cursor.execute("TRUNCATE {} CASCADE".format(", ".join(FUNDING_TABLES)))
        # Per contract: the floor, the planned and the actual personnel share, the rates.
        cursor.execute(
            f"""
            CREATE TEMP TABLE fb_contract ON COMMIT DROP AS
            SELECT c.id, c.station_id, c.service_year, c.annual_fee AS fee, c.starts_on,
                   c.ends_on, p.policy_id, p.floor,
                   p.floor / 100 + {_randint(100, 700, "c.id", "'plan'")} / 10000 AS planned_share,
                   {_rand("c.id", "'roll'")} AS roll,
                   {_rand("c.id", "'actual'")} AS r_actual,
                   {_randint(85, 100, "c.id", "'other'")} AS other_pct,
                   CASE WHEN c.service_year < %(this_year)s THEN 12
                        ELSE %(this_month)s - 1 END AS last_month
            FROM stations_contract c
            JOIN (VALUES {policy_rows}) AS p(year, policy_id, floor) ON p.year = c.service_year
            WHERE c.status = ANY(%(binding)s) AND c.service_year = ANY(%(years)s)
            """,  # noqa: S608 - identifiers and numbers from this module; values are parameters
            params,
        )
        cursor.execute(
            f"""
            ALTER TABLE fb_contract ADD COLUMN planned_personnel numeric,
                                    ADD COLUMN actual_share numeric;
            UPDATE fb_contract SET
              planned_personnel = round(fee * planned_share, 2),
              actual_share = CASE
                WHEN service_year = %(this_year)s AND roll < 0.05
                  THEN floor / 100 - {_randint(50, 600, "id", "'under'")} / 10000
                WHEN roll < 0.03
                  THEN floor / 100 - {_randint(10, 500, "id", "'under'")} / 10000
                ELSE planned_share + {_randint(-60, 40, "id", "'drift'")} / 10000
              END;
            """,  # noqa: S608 - identifiers and numbers from this module; values are parameters
            params,
        )
        cursor.execute(
            """
            INSERT INTO funding_budget (
              contract_id, station_id, service_year, fee, revision, status, version, total,
              personnel, note, policy_version_id, floor_percent, checked_share, submitted_at,
              decided_at, return_reason, created_at, updated_at)
            SELECT id, station_id, service_year, fee, 1, %(approved)s, 1, fee,
                   planned_personnel, '', policy_id, floor, round(planned_share * 100, 2),
                   %(now)s, %(now)s, '', %(now)s, %(now)s
            FROM fb_contract ORDER BY service_year, id
            """,
            params,
        )
        counts["budgets"] = cursor.rowcount
        log(f"    budgets: {counts['budgets']:,}")
        line_cases = _split_sql("b.personnel", PERSONNEL_SPLIT) + _split_sql(
            "b.total - b.personnel", OTHER_SPLIT
        )
        values = ", ".join(f"('{c}', {i})" for i, (c, _e) in enumerate(line_cases))
        amount = "CASE l.category " + " ".join(f"WHEN '{c}' THEN {expr}" for c, expr in line_cases)
        cursor.execute(
            f"""
            INSERT INTO funding_budgetline (budget_id, category, amount, note)
            SELECT b.id, l.category, {amount} END, ''
            FROM funding_budget b CROSS JOIN (VALUES {values}) AS l(category, n)
            ORDER BY b.id, l.n
            """,  # noqa: S608 - identifiers and numbers from this module; values are parameters
            params,
        )
        counts["budget lines"] = cursor.rowcount
        # Monthly reports: personnel at the actual rate with +-5% noise, the rest at 85-100%
        # of what is left of the fee with +-30% noise, month by month.
        noise_p = _randint(95, 105, "c.id", "m", "'pn'")
        noise_o = _randint(70, 130, "c.id", "m", "'on'")
        personnel = f"round(c.fee * c.actual_share / 12 * {noise_p} / 100, 2)"
        other = f"round(c.fee * (1 - c.actual_share) / 12 * c.other_pct / 100 * {noise_o} / 100, 2)"
        cursor.execute(
            f"""
            INSERT INTO funding_spendingreport (
              contract_id, station_id, service_year, period_kind, period, months, period_start,
              period_end, status, version, total, personnel, note, submitted_at, decided_at,
              return_reason, created_at, updated_at)
            SELECT c.id, c.station_id, c.service_year, 'monthly', m, 1, s.start,
                   (s.start + interval '1 month - 1 day')::date,
                   CASE WHEN c.service_year = %(waiting_year)s AND m = %(waiting_month)s
                        THEN %(report_submitted)s ELSE %(report_approved)s END,
                   1, x.personnel + x.other, x.personnel, '', %(now)s,
                   CASE WHEN c.service_year = %(waiting_year)s AND m = %(waiting_month)s
                        THEN NULL ELSE %(now)s END,
                   '', %(now)s, %(now)s
            FROM fb_contract c
            CROSS JOIN LATERAL generate_series(1, c.last_month) AS m
            CROSS JOIN LATERAL (SELECT make_date(c.service_year, m, 1) AS start) s
            CROSS JOIN LATERAL (SELECT {personnel} AS personnel, {other} AS other) x
            WHERE (s.start + interval '1 month - 1 day')::date >= c.starts_on
              AND s.start <= c.ends_on
            ORDER BY c.service_year, c.id, m
            """,  # noqa: S608 - identifiers and numbers from this module; values are parameters
            params,
        )
        counts["spending reports"] = cursor.rowcount
        log(f"    spending reports: {counts['spending reports']:,}")
        line_cases = _split_sql("r.personnel", PERSONNEL_SPLIT) + _split_sql(
            "r.total - r.personnel", OTHER_SPLIT
        )
        values = ", ".join(f"('{c}', {i})" for i, (c, _e) in enumerate(line_cases))
        amount = "CASE l.category " + " ".join(f"WHEN '{c}' THEN {expr}" for c, expr in line_cases)
        cursor.execute(
            f"""
            INSERT INTO funding_spendingline (report_id, category, amount, note)
            SELECT report_id, category, amount, '' FROM (
              SELECT r.id AS report_id, l.category, l.n, {amount} END AS amount
              FROM funding_spendingreport r CROSS JOIN (VALUES {values}) AS l(category, n)
            ) t
            WHERE amount <> 0
            ORDER BY report_id, n
            """,  # noqa: S608 - identifiers and numbers from this module; values are parameters
            params,
        )
        counts["spending lines"] = cursor.rowcount
        log(f"    spending lines: {counts['spending lines']:,}")
        kinds = [
            ResourceKind.CHARITY_DONATION,
            ResourceKind.COMMUNITY_FUND,
            ResourceKind.IN_KIND,
            ResourceKind.TIME_BANK,
        ]
        kind_values = ", ".join(f"({i}, '{k.value}')" for i, k in enumerate(kinds))
        source_values = ", ".join(f"({i}, '{s}')" for i, s in enumerate(RESOURCE_SOURCES))
        cursor.execute(
            f"""
            INSERT INTO funding_socialresource (
              station_id, service_year, kind, received_on, amount, hours, source, description,
              created_at, updated_at)
            SELECT sy.station_id, sy.service_year, k.kind, x.on_day,
                   CASE WHEN k.kind <> '{ResourceKind.TIME_BANK}'
                        THEN {_randint(200, 50000, "sy.station_id", "sy.service_year", "n", "'a'")}
                   END,
                   CASE WHEN k.kind = '{ResourceKind.TIME_BANK}'
                        THEN {_randint(4, 400, "sy.station_id", "sy.service_year", "n", "'h'")} / 2
                   END,
                   s.source, '', %(now)s, %(now)s
            FROM (SELECT DISTINCT station_id, service_year FROM fb_contract) sy
            CROSS JOIN LATERAL generate_series(
              1, {_randint(2, 8, "sy.station_id", "sy.service_year", "'n'")}::int) AS n
            JOIN (VALUES {kind_values}) AS k(i, kind)
              ON k.i = floor({_rand("sy.station_id", "sy.service_year", "n", "'k'")} * 4)
            JOIN (VALUES {source_values}) AS s(i, source)
              ON s.i = floor({_rand("sy.station_id", "sy.service_year", "n", "'s'")}
                             * {len(RESOURCE_SOURCES)})
            CROSS JOIN LATERAL (
              SELECT make_date(sy.service_year, 1, 1) + floor(
                {_rand("sy.station_id", "sy.service_year", "n", "'d'")}
                * (1 + GREATEST(0, LEAST(make_date(sy.service_year, 12, 31),
                                         %(today)s::date - 1)
                                   - make_date(sy.service_year, 1, 1))))::int AS on_day
            ) x
            """,  # noqa: S608 - identifiers and numbers from this module; values are parameters
            {**params, "today": today},
        )
        counts["social resources"] = cursor.rowcount
        log(f"    social resources: {counts['social resources']:,}")
        cursor.execute("ANALYZE funding_budget, funding_budgetline, funding_spendingreport")
        cursor.execute("ANALYZE funding_spendingline, funding_socialresource")
    for year in years:
        funding_years_refresh(service_year=year)
    counts["final years"] = funding_years_finalise_due(today=today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE funding_fundingyear")
    return counts
