"""Demo steps of the stations app: geography, institutions, stations, contracts, accounts.

Everything is drawn from ``ctx.rng(<step>)`` so the same seed gives the same data. Writes are
``bulk_create`` (no per-row audit signals). Synthetic geography for the province and nation
scales uses codes starting with 9 (districts ``9xxxxx``): no real GB/T 2260 province code
starts with 9, so they can never collide with the real Guangzhou codes.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from portal.choices import Role
from portal.models import RoleAssignment, User
from portal.selectors import policy_for_service_year
from stations import services
from stations.choices import (
    ContractStatus,
    CreditListKind,
    InstitutionRating,
    ManagementMode,
    StationStatus,
    SubdistrictKind,
)
from stations.demo import DEMO_PASSWORD, DemoContext, register_demo_step
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
from stations.rules import credit_code_for_index

GUANGZHOU_STATIONS = 201
GUANGZHOU_INSTITUTIONS = 76
# Service years with contracts: this year and the eight before it (three 3-year terms, this
# year the last of its term), counted from the day the demo is loaded.
SERVICE_YEARS = 9
# The mid-term takeover happens in the second year of the middle term.
TAKEOVER_YEARS_AGO = 4
# The 2019 provincial pilot of the "station head + deputy head" mode (reply letter).
PILOT_TOWNS = {
    ("花都区", "梯面镇"),
    ("从化区", "鳌头镇"),
    ("从化区", "吕田镇"),
    ("从化区", "太平镇"),
    ("从化区", "温泉镇"),
}
PILOT_HEAD_TITLE = "镇社会事务办主任"
STANDARD_FEE = Decimal("2400000.00")
SMALLER_FEES = [Decimal("1854000.00"), Decimal("2000000.00"), Decimal("2160000.00")]
SPECIAL_FEES = [
    Decimal("300000.00"),
    Decimal("450000.00"),
    Decimal("600000.00"),
    Decimal("800000.00"),
]
# Demo credit codes start far from the factories' sequence so tests can mix both.
CREDIT_CODE_OFFSET = 500_000
SYNTHETIC_STREETS_PER_DISTRICT = 12
SYNTHETIC_COMMUNITIES_PER_STREET = 5
BATCH = 5000

# Approximate district centres (longitude, latitude) for the station map.
DISTRICT_CENTRES = {
    "440103": (113.244, 23.126),
    "440104": (113.267, 23.129),
    "440105": (113.317, 23.084),
    "440106": (113.361, 23.125),
    "440111": (113.300, 23.250),
    "440112": (113.459, 23.106),
    "440113": (113.384, 22.938),
    "440114": (113.220, 23.404),
    "440115": (113.525, 22.801),
    "440117": (113.587, 23.548),
    "440118": (113.810, 23.261),
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余叶杜苏"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "慧",
    "建华",
    "晓东",
    "嘉欣",
    "子豪",
    "颖",
    "俊杰",
    "丹",
    "佳",
    "志强",
    "美玲",
    "文",
    "婷",
    "雪",
    "海燕",
    "国强",
    "燕",
    "春梅",
    "振华",
    "思琪",
    "家豪",
]
INSTITUTION_WORDS = [
    "启明",
    "同心",
    "阳光",
    "和谐",
    "博爱",
    "明德",
    "惠民",
    "善缘",
    "康乐",
    "仁爱",
    "新航",
    "扬帆",
    "携手",
    "睦邻",
    "悦群",
    "同行",
    "家和",
    "乐群",
    "福康",
    "慧心",
    "恒爱",
    "德善",
    "展翅",
    "知行",
    "怡康",
    "青禾",
    "暖心",
    "正心",
    "汇爱",
    "友邻",
    "朝阳",
    "星火",
    "木棉",
    "羊城",
    "珠江",
    "白云",
    "南粤",
    "岭南",
    "春晖",
    "厚德",
    "益众",
    "安康",
    "协和",
    "致远",
    "立人",
    "馨乐",
    "融和",
    "共创",
    "爱群",
    "凝心",
    "民心",
    "善德",
    "弘德",
    "众和",
    "彩虹",
    "晨光",
    "聚力",
    "向日葵",
    "蒲公英",
    "北极星",
    "同创",
    "广益",
    "众行",
    "合力",
    "润心",
    "信德",
    "乐助",
    "晴天",
    "益友",
    "万家",
    "尚德",
    "心桥",
    "鹏程",
    "康园",
    "灯塔",
    "长青",
    "树人",
    "明心",
    "汇智",
    "和悦",
]
INSTITUTION_SUFFIXES = ["社会工作服务中心"] * 6 + ["社工服务社", "社会工作发展中心", "社会服务中心"]
ROADS = [
    "中山大道",
    "天河路",
    "黄埔大道",
    "广州大道",
    "解放路",
    "东风路",
    "环市路",
    "工业大道",
    "江南大道",
    "人民路",
    "新港路",
    "沙河路",
    "广园路",
    "增城大道",
    "迎宾大道",
    "市桥路",
]


def _person(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _short_street(name: str) -> str:
    """``五山街道`` -> ``五山街``; towns keep ``镇``."""
    return name[:-1] if name.endswith("街道") else name


def _short_community(name: str) -> str:
    for tail in (
        "社区居民委员会",
        "居民委员会",
        "村民委员会",
        "社区居委会会",
        "社区居委会",
        "居委会",
        "村委会",
    ):
        if name.endswith(tail):
            stem = name[: -len(tail)]
            return stem + ("村" if "村民" in tail or tail == "村委会" else "社区")
    return name


def _random_date(rng, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


# --- geography ----------------------------------------------------------------------------


def geography(ctx: DemoContext) -> None:
    services.geography_load(record=False)
    districts = list(District.objects.filter(code__startswith="4401").order_by("code"))
    extra = ctx.station_count - GUANGZHOU_STATIONS
    if extra > 0:
        _synthetic_geography(extra)
    ctx.data["districts"] = list(District.objects.order_by("code"))
    ctx.data["subdistricts"] = list(Subdistrict.objects.select_related("district").order_by("code"))
    ctx.data["guangzhou_districts"] = districts


def _synthetic_geography(stations: int) -> None:
    """One station per synthetic street; 12 streets a district, 5 communities a street."""
    n_districts = -(-stations // SYNTHETIC_STREETS_PER_DISTRICT)
    District.objects.bulk_create(
        [District(code=f"9{i:05d}", name=f"示范{i}区") for i in range(1, n_districts + 1)],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    district_ids = dict(District.objects.filter(code__startswith="9").values_list("code", "id"))
    subs = []
    for i in range(1, n_districts + 1):
        for k in range(1, SYNTHETIC_STREETS_PER_DISTRICT + 1):
            if len(subs) == stations:
                break
            subs.append(
                Subdistrict(
                    code=f"9{i:05d}{k:03d}",
                    name=f"示范{i}区第{k}街道",
                    kind=SubdistrictKind.STREET,
                    district_id=district_ids[f"9{i:05d}"],
                )
            )
    Subdistrict.objects.bulk_create(subs, batch_size=BATCH, ignore_conflicts=True)
    sub_ids = Subdistrict.objects.filter(code__startswith="9").values_list("code", "id")
    communities = [
        Community(
            code=f"{code}{m:03d}", name=f"第{m}社区居民委员会", kind="residents", subdistrict_id=sid
        )
        for code, sid in sub_ids.iterator()
        for m in range(1, SYNTHETIC_COMMUNITIES_PER_STREET + 1)
    ]
    Community.objects.bulk_create(communities, batch_size=BATCH, ignore_conflicts=True)


# --- institutions -------------------------------------------------------------------------


def institutions(ctx: DemoContext) -> None:
    rng = ctx.rng("institutions")
    count = round(ctx.station_count * GUANGZHOU_INSTITUTIONS / GUANGZHOU_STATIONS)
    gz = ctx.data["guangzhou_districts"]
    synthetic = [d for d in ctx.data["districts"] if d.code.startswith("9")]
    names: set[str] = set()
    rows = []
    ratings = (
        [InstitutionRating.NONE] * 4
        + [InstitutionRating.A2]
        + [InstitutionRating.A3] * 6
        + [InstitutionRating.A4] * 6
        + [InstitutionRating.A5] * 3
    )
    for i in range(count):
        if i < GUANGZHOU_INSTITUTIONS or not synthetic:
            home = gz[i % len(gz)]
            # Most register with the city bureau, the rest with their district's bureau.
            city_level = rng.random() < 0.6
            where = "广州市" if city_level else f"广州市{home.name}"
            authority = "广州市民政局" if city_level else f"广州市{home.name}民政局"
            area = "440100" if city_level else home.code
        else:
            home = synthetic[i % len(synthetic)]
            where, authority, area = home.name, f"{home.name}民政局", home.code
        name = ""
        for _attempt in range(20):
            name = f"{where}{rng.choice(INSTITUTION_WORDS)}{rng.choice(INSTITUTION_SUFFIXES)}"
            if name not in names:
                break
        else:
            name = f"{where}{rng.choice(INSTITUTION_WORDS)}社会工作服务中心（{i}）"
        names.add(name)
        prefix = "52" + area
        rows.append(
            Institution(
                name=name,
                credit_code=credit_code_for_index(CREDIT_CODE_OFFSET + i, prefix=prefix),
                legal_representative=_person(rng),
                registration_authority=authority,
                registered_on=_random_date(
                    rng, date(ctx.today.year - 18, 1, 1), date(ctx.today.year - 10, 12, 31)
                ),
                rating=rng.choice(ratings),
                address=f"{where}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
                phone=f"020-{rng.randint(31000000, 89999999)}",
            )
        )
    Institution.objects.bulk_create(rows, batch_size=BATCH)
    ctx.data["institutions"] = list(Institution.objects.order_by("pk"))


# --- stations -----------------------------------------------------------------------------


def stations(ctx: DemoContext) -> None:
    rng = ctx.rng("stations")
    subs = [s for s in ctx.data["subdistricts"] if s.kind != SubdistrictKind.SPECIAL]
    gz_subs = [s for s in subs if s.code.startswith("4401")]
    synthetic_subs = [s for s in subs if s.code.startswith("9")]
    communities: dict[int, list[tuple[int, str]]] = {}
    for sub_id, cid, cname in (
        Community.objects.order_by("code")
        .values_list("subdistrict_id", "id", "name")
        .iterator(chunk_size=BATCH)
    ):
        communities.setdefault(sub_id, []).append((cid, cname))
    # Most streets/towns have one station; the largest have a second (201 over 176).
    extra = GUANGZHOU_STATIONS - len(gz_subs)
    largest = sorted(gz_subs, key=lambda s: (-len(communities.get(s.pk, [])), s.code))
    doubled = (
        {s.pk for s in rng.sample(largest[: max(extra * 2, extra)], extra)} if extra > 0 else set()
    )
    plan: list[tuple[Subdistrict, int, int]] = []  # street/town, station number, of how many
    for sub in gz_subs:
        n = 2 if sub.pk in doubled else 1
        plan.extend((sub, k, n) for k in range(1, n + 1))
    plan.extend((sub, 1, 1) for sub in synthetic_subs[: ctx.station_count - len(plan)])

    rows, served = [], []
    for sub, k, n in plan:
        district = sub.district
        pilot = (district.name, sub.name) in PILOT_TOWNS
        short = _short_street(sub.name)
        lon, lat = DISTRICT_CENTRES.get(district.code, (None, None))
        station = Station(
            code=f"SG{sub.code}{k:02d}",
            name=f"{district.name}{short}{'第二' if k == 2 else ''}社工服务站",
            subdistrict_id=sub.pk,
            district_id=district.pk,
            address=f"{'广州市' if sub.code.startswith('4401') else ''}{district.name}{short}"
            f"{rng.choice(ROADS)}{rng.randint(1, 399)}号",
            phone=f"020-{rng.randint(31000000, 89999999)}",
            head_name=_person(rng),
            head_title=PILOT_HEAD_TITLE if pilot else "站长",
            deputy_head_name=_person(rng) if pilot or rng.random() < 0.3 else "",
            management_mode=ManagementMode.PILOT_2019 if pilot else ManagementMode.STANDARD,
            status=StationStatus.ACTIVE,
            established_on=_random_date(
                rng, date(ctx.today.year - 15, 1, 1), date(ctx.today.year - 12, 12, 31)
            ),
            longitude=(
                Decimal(str(round(lon + rng.uniform(-0.04, 0.04), 6))) if lon is not None else None
            ),
            latitude=(
                Decimal(str(round(lat + rng.uniform(-0.04, 0.04), 6))) if lat is not None else None
            ),
        )
        rows.append(station)
        own = communities.get(sub.pk, [])
        half = -(-len(own) // n)
        served.append(own[(k - 1) * half : k * half])
    Station.objects.bulk_create(rows, batch_size=BATCH)
    through = Station.communities.through
    links = [
        through(station_id=s.pk, community_id=cid)
        for s, comms in zip(rows, served, strict=True)
        for cid, _name in comms
    ]
    through.objects.bulk_create(links, batch_size=BATCH)

    outposts = []
    for station, comms in zip(rows, served, strict=True):
        if comms and rng.random() < 0.35:
            for cid, cname in rng.sample(comms, min(len(comms), rng.randint(1, 3))):
                outposts.append(
                    Outpost(
                        station_id=station.pk,
                        community_id=cid,
                        name=f"{_short_community(cname)}社工点",
                        opened_on=_random_date(
                            rng, date(ctx.today.year - 7, 1, 1), date(ctx.today.year - 2, 12, 31)
                        ),
                    )
                )
    Outpost.objects.bulk_create(outposts, batch_size=BATCH)
    ctx.data["stations"] = sorted(rows, key=lambda s: s.code)


# --- contracts ----------------------------------------------------------------------------


def _operator_counts(n_stations: int, n_inst: int, rng) -> list[int]:
    """Stations per institution: most run 2-4, a few 1 or 5."""
    counts = [1 if rng.random() < 0.07 else 2 for _ in range(n_inst)]
    left = n_stations - sum(counts)
    cap = 4
    while left > 0:
        open_ = [i for i, c in enumerate(counts) if c < cap]
        if not open_:
            cap += 1
            continue
        counts[rng.choice(open_)] += 1
        left -= 1
    while left < 0:
        i = rng.choice([i for i, c in enumerate(counts) if c > 1])
        counts[i] -= 1
        left += 1
    return counts


def contracts(ctx: DemoContext) -> None:
    """The last ``SERVICE_YEARS`` service years up to this one, signed a year at a time in
    3-year terms; operators change at term boundaries; one contract is terminated mid-year
    and taken over by another."""
    rng = ctx.rng("contracts")
    all_stations: list[Station] = ctx.data["stations"]
    insts = [i.pk for i in ctx.data["institutions"]]
    first_year = ctx.today.year - SERVICE_YEARS + 1
    years = list(range(first_year, ctx.today.year + 1))
    terms = sorted({(y - first_year) // 3 for y in years})
    current_term = (ctx.today.year - first_year) // 3

    order = insts[:]
    rng.shuffle(order)
    counts = _operator_counts(len(all_stations), len(order), rng)
    operator: dict[int, dict[int, int]] = {current_term: {}}
    it = iter(all_stations)
    for inst, n in zip(order, counts, strict=True):
        for _k in range(n):
            operator[current_term][next(it).pk] = inst
    others = sorted((t for t in terms if t != current_term), key=lambda t: abs(t - current_term))
    for term in others:
        ref = operator[term + 1] if term < current_term else operator[term - 1]
        operator[term] = {
            sid: (rng.choice(insts) if rng.random() < 0.22 else inst) for sid, inst in ref.items()
        }
    fee = {
        s.pk: (STANDARD_FEE if rng.random() < 0.9 else rng.choice(SMALLER_FEES))
        for s in all_stations
    }
    policies = {y: policy_for_service_year(y) for y in years}
    kinds = list(ProjectKind.objects.order_by("sort_order"))
    comprehensive = next(k for k in kinds if k.is_comprehensive)
    special = [k for k in kinds if not k.is_comprehensive]

    # One takeover: a contract ends on 30 June and another institution serves the rest of the
    # term (1 July .. the end of the next year).
    takeover_station = rng.choice(
        [s for s in all_stations if s.management_mode == ManagementMode.STANDARD]
    )
    takeover_year = ctx.today.year - TAKEOVER_YEARS_AGO
    takeover_term = (takeover_year - first_year) // 3
    old_inst = operator[takeover_term][takeover_station.pk]
    new_inst = rng.choice([i for i in insts if i != old_inst])

    for year in years:
        term = (year - first_year) // 3
        policy = policies[year]
        rows = []
        for s in all_stations:
            inst = operator[term][s.pk]
            if s is takeover_station and year == takeover_year + 1:
                inst = new_inst
            c = Contract(
                code=f"HT-{year}-{s.code}",
                station_id=s.pk,
                institution_id=inst,
                purchaser_id=s.subdistrict_id,
                kind=comprehensive,
                is_comprehensive=True,
                service_year=year,
                starts_on=date(year, 1, 1),
                ends_on=date(year, 12, 31),
                annual_fee=fee[s.pk],
                status=ContractStatus.SIGNED,
                signed_on=date(year - 1, 12, 15),
                policy_version=policy,
            )
            if s is takeover_station and year == takeover_year:
                c.planned_ends_on, c.ends_on = c.ends_on, date(year, 6, 30)
                c.status = ContractStatus.TERMINATED
                c.termination_reason = "承接机构内部治理问题整改不到位，经购买方与机构协商提前终止"
                rows.append(
                    Contract(
                        code=f"HT-{year}-{s.code}-2",
                        station_id=s.pk,
                        institution_id=new_inst,
                        purchaser_id=s.subdistrict_id,
                        kind=comprehensive,
                        is_comprehensive=True,
                        service_year=year,
                        starts_on=date(year, 7, 1),
                        ends_on=date(year, 12, 31),
                        annual_fee=(fee[s.pk] / 2).quantize(Decimal("0.01")),
                        status=ContractStatus.SIGNED,
                        signed_on=date(year, 6, 20),
                        policy_version=policy,
                        note="接替提前终止的合同，服务至本周期结束",
                    )
                )
            rows.append(c)
            if year == ctx.today.year and special and rng.random() < 0.06:
                kind = rng.choice(special)
                rows.append(
                    Contract(
                        code=f"HT-{year}-{s.code}-{kind.code[:8].upper()}",
                        station_id=s.pk,
                        institution_id=inst,
                        purchaser_id=s.subdistrict_id,
                        kind=kind,
                        is_comprehensive=False,
                        service_year=year,
                        starts_on=date(year, 3, 1),
                        ends_on=date(year, 12, 31),
                        annual_fee=rng.choice(SPECIAL_FEES),
                        status=ContractStatus.SIGNED,
                        signed_on=date(year, 2, 15),
                        policy_version=policy,
                    )
                )
        Contract.objects.bulk_create(rows, batch_size=BATCH)
    today_term = operator[current_term]
    ctx.data["operators_today"] = dict(today_term)
    ctx.data["service_years"] = years


def credit_records(ctx: DemoContext) -> None:
    rng = ctx.rng("credit_records")
    insts = ctx.data["institutions"]
    picks = rng.sample(insts, min(len(insts), max(4, len(insts) // 20)))
    year = ctx.today.year
    templates = [
        (
            CreditListKind.ABNORMAL_OPERATION,
            date(year - 6, 5, 12),
            date(year - 6, 11, 3),
            f"未按规定报送{year - 7}年度工作报告",
        ),
        (
            CreditListKind.SERIOUS_DISHONESTY,
            date(year - 7, 9, 2),
            date(year - 4, 9, 1),
            "被列入活动异常名录满2年仍未改正",
        ),
        (
            CreditListKind.ADMINISTRATIVE_PENALTY,
            date(year - 5, 7, 15),
            None,
            "违反《民办非企业单位登记管理暂行条例》，予以警告",
        ),
        (
            CreditListKind.ABNORMAL_OPERATION,
            date(year - 1, 6, 20),
            None,
            "通过登记的住所无法取得联系",
        ),
    ]
    rows = []
    for i, inst in enumerate(picks):
        kind, listed, lifted, reason = templates[i % len(templates)]
        rows.append(
            CreditRecord(
                institution_id=inst.pk,
                kind=kind,
                listed_on=listed,
                lifted_on=lifted,
                reason=reason,
                authority=inst.registration_authority,
            )
        )
    CreditRecord.objects.bulk_create(rows, batch_size=BATCH)


# --- accounts -----------------------------------------------------------------------------


def accounts(ctx: DemoContext) -> None:
    """One demo account per role; only this command creates them (never migrations)."""
    stations_by_sub: dict[int, list[Station]] = {}
    for s in ctx.data["stations"]:
        stations_by_sub.setdefault(s.subdistrict_id, []).append(s)
    tianhe = District.objects.get(code="440106")
    candidates = [
        s
        for s in ctx.data["stations"]
        if s.district_id == tianhe.pk and len(stations_by_sub[s.subdistrict_id]) == 1
    ]
    station = next((s for s in candidates if "五山" in s.name), candidates[0])
    institution_id = ctx.data["operators_today"][station.pk]
    people = [
        ("admin", "演示·市级管理员", Role.CITY_ADMIN, {}),
        ("city", "演示·市级业务人员", Role.CITY_OFFICER, {}),
        ("district", "演示·天河区民政局", Role.DISTRICT_OFFICER, {"district_id": tianhe.pk}),
        (
            "street",
            f"演示·{station.subdistrict.name}",
            Role.SUBDISTRICT_OFFICER,
            {"subdistrict_id": station.subdistrict_id},
        ),
        (
            "institution",
            "演示·承接机构管理员",
            Role.INSTITUTION_ADMIN,
            {"institution_id": institution_id},
        ),
        ("station", f"演示·{station.name}站长", Role.STATION_MANAGER, {"station_id": station.pk}),
        ("evaluator", "演示·第三方评估人员", Role.EVALUATOR, {}),
        ("inspector", "演示·督查人员", Role.INSPECTOR, {}),
    ]
    existing = set(
        User.objects.filter(username__in=[p[0] for p in people]).values_list("username", flat=True)
    )
    for username in sorted(existing):
        ctx.log(f"  account {username!r} exists already: left unchanged")
    hashed = make_password(DEMO_PASSWORD)
    users = [
        User(
            username=u,
            display_name=name,
            email=f"{u}@demo.invalid",
            password=hashed,
            is_staff=(role == Role.CITY_ADMIN),
        )
        for u, name, role, _anchor in people
        if u not in existing
    ]
    User.objects.bulk_create(users)
    by_name = {u.username: u for u in User.objects.filter(username__in=[p[0] for p in people])}
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=by_name[u], role=role, note="演示账号", **anchor)
            for u, _name, role, anchor in people
            if u not in existing
        ]
    )
    ctx.data["accounts"] = by_name
    ctx.data["demo_station"] = station


register_demo_step("geography", geography, order=10)
register_demo_step("institutions", institutions, order=20)
register_demo_step("stations", stations, order=30)
register_demo_step("contracts", contracts, order=40)
register_demo_step("credit_records", credit_records, order=50)
register_demo_step("accounts", accounts, order=90)
