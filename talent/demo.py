"""Demo step of the talent app: about 20 social workers per station with a realistic mix of
certificate levels, past and present employments (some moved between institutions),
registrations in every state (valid, expiring soon, lapsed), continuing-education hours,
training programmes with attendance and a few honours.

Written with ``bulk_create`` in chunks of stations, with the per-person summary computed
while generating, so nation scale (40,000 stations) stays within memory and minutes.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from portal import crypto
from portal.models import PolicyVersion
from stations.demo import DemoContext, register_demo_step
from talent import rules
from talent.choices import (
    CEHourSource,
    CertificateLevel,
    EducationLevel,
    EmploymentType,
    EnrolmentStatus,
    HonourKind,
    HonourLevel,
    Position,
    ProgrammeKind,
)
from talent.models import (
    Attendance,
    CERecord,
    Certificate,
    Employment,
    Enrolment,
    Honour,
    Registration,
    SocialWorker,
    TrainingProgramme,
    TrainingSession,
)
from talent.services import person_summary_refresh, station_staffing_refresh

STATIONS_PER_CHUNK = 400
# Social workers are 25 to 58 years old on the day the demo is loaded.
AGES = (25, 58)
# The national social-work qualification exam was first held in 2008 (国人部发〔2006〕71号): no
# certificate passed earlier.
FIRST_EXAM_YEAR = 2008
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐许"
    "邓冯韩曹曾彭萧蔡潘田董袁余叶蒋杜苏魏程吕丁沈任姚卢傅钟"
)
GIVEN = (
    "敏静丽婷芳娜霞伟强磊军洋勇杰涛明超秀兰华平刚桂英"
    "玲燕红梅琳欣怡晨雨宇浩然嘉颖诗琪子轩梓涵思慧佳文"
)
SCHOOLS = [
    "中山大学",
    "华南师范大学",
    "广州大学",
    "华南农业大学",
    "广东工业大学",
    "暨南大学",
    "广东财经大学",
    "广州城市职业学院",
]
MAJORS = ["社会工作", "社会工作", "社会工作", "社会学", "心理学", "公共事业管理", "护理学"]
# Posts of a standard station of 20 (Haizhu 2023 tender practice).
POSTS = (
    [Position.HEAD, Position.DEPUTY_HEAD, Position.SUPERVISOR]
    + [Position.PROJECT_LEAD] * 2
    + [Position.FRONTLINE] * 12
    + [Position.ASSISTANT] * 2
    + [Position.ADMIN_FINANCE]
)


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _level(rng, position: str) -> str:
    if position == Position.ASSISTANT:
        return ""
    r = rng.random()
    if position in (Position.HEAD, Position.SUPERVISOR):
        return CertificateLevel.SENIOR if r < 0.15 else CertificateLevel.INTERMEDIATE
    if position in (Position.DEPUTY_HEAD, Position.PROJECT_LEAD):
        return CertificateLevel.INTERMEDIATE if r < 0.6 else CertificateLevel.ASSISTANT
    if position == Position.ADMIN_FINANCE:
        return "" if r < 0.7 else CertificateLevel.ASSISTANT
    if r < 0.22:
        return ""
    return (
        CertificateLevel.ASSISTANT
        if r < 0.75
        else (CertificateLevel.INTERMEDIATE if r < 0.98 else CertificateLevel.SENIOR)
    )


def _expiry(rng, today: date) -> date | None:
    """Registrations in every state: expiring in 7/30/90 days, lapsed, or valid."""
    r = rng.random()
    if r < 0.12:
        return None  # never registered
    if r < 0.15:
        return today + timedelta(days=rng.randint(0, 7))
    if r < 0.21:
        return today + timedelta(days=rng.randint(8, 30))
    if r < 0.30:
        return today + timedelta(days=rng.randint(31, 90))
    if r < 0.37:
        return today - timedelta(days=rng.randint(1, 400))
    return today + timedelta(days=rng.randint(91, 3 * 365 - 1))


class _Ids:
    def __init__(self, rng, today: date):
        self.rng = rng
        self.born = (today.year - AGES[1], today.year - AGES[0])
        self.seen: set[str] = set(SocialWorker.objects.values_list("id_number_hash", flat=True))

    def new(self) -> tuple[str, str]:
        while True:
            number = rules.random_id_number(self.rng, born_from=self.born[0], born_to=self.born[1])
            digest = crypto.keyed_hash(number)
            if digest not in self.seen:
                self.seen.add(digest)
                return number, digest


def talent(ctx: DemoContext) -> None:
    rng = ctx.rng("talent")
    today = ctx.today
    stations = ctx.data.get("stations", [])
    operators: dict[int, int] = ctx.data.get("operators_today", {})
    policies = list(PolicyVersion.objects.order_by("effective_from"))
    ids = _Ids(rng, today)
    cert_seq = [Certificate.objects.count()]
    sample: list[tuple[int, int]] = []  # (person id, institution id) for the programmes
    run = [s for s in stations if s.pk in operators]
    total = 0
    for i in range(0, len(run), STATIONS_PER_CHUNK):
        total += _chunk(
            ctx,
            rng,
            run[i : i + STATIONS_PER_CHUNK],
            run,
            operators,
            today,
            policies,
            ids,
            cert_seq,
            sample,
        )
    ctx.log(f"  talent: {total} social workers")
    _programmes(ctx, rng, today, sample)


def _policy_on(policies, on: date):
    found = policies[0] if policies else None
    for p in policies:
        if p.effective_from <= on:
            found = p
    return found


def _chunk(ctx, rng, chunk, run, operators, today, policies, ids, cert_seq, sample) -> int:
    people, jobs, certs, regs, ces, honours = [], [], [], [], [], []
    plans = []
    for station in chunk:
        institution = operators[station.pk]
        size = rng.choices([15, 17, 18, 19, 20, 21, 22], weights=[1, 2, 3, 4, 10, 3, 2])[0]
        posts = (
            POSTS[:size]
            if size <= len(POSTS)
            else POSTS + [Position.FRONTLINE] * (size - len(POSTS))
        )
        leavers = rng.choice((0, 1, 1, 2, 3))
        for position in list(posts) + [None] * leavers:
            number, digest = ids.new()
            facts = rules.check_id_number(number, today=today)
            person = SocialWorker(
                name=_name(rng),
                id_number_cipher=crypto.encrypt(number),
                id_number_hash=digest,
                id_number_masked=rules.mask_id_number(number),
                sex="male" if facts.male else "female",
                phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                education_level=rng.choices(
                    [EducationLevel.COLLEGE, EducationLevel.BACHELOR, EducationLevel.MASTER],
                    weights=[3, 6, 1],
                )[0],
                major=rng.choice(MAJORS),
                school=rng.choice(SCHOOLS),
            )
            people.append(person)
            leaver = position is None
            post = position or rng.choice([Position.FRONTLINE, Position.PROJECT_LEAD])
            starts = today - timedelta(days=rng.randint(60, 6 * 365))
            ends = None
            if leaver:
                ends = today - timedelta(days=rng.randint(1, 500))
                starts = min(starts, ends - timedelta(days=200))
            moves = rng.random() < 0.08 and len(run) > 1
            plans.append(
                (person, station, institution, post, starts, ends, moves, _level(rng, post))
            )
    SocialWorker.objects.bulk_create(people, batch_size=2000)

    for person, station, institution, post, starts, ends, moves, level in plans:
        if moves:
            # Worked earlier at another station, for that station's institution.
            other = rng.choice(run)
            if other.pk != station.pk:
                before_end = starts - timedelta(days=rng.randint(1, 60))
                jobs.append(
                    Employment(
                        person=person,
                        station=other,
                        institution_id=operators[other.pk],
                        position=Position.FRONTLINE,
                        employment_type=EmploymentType.FULL_TIME,
                        starts_on=before_end - timedelta(days=rng.randint(300, 1500)),
                        ends_on=before_end,
                        leave_reason="调动至其他机构",
                    )
                )
        jobs.append(
            Employment(
                person=person,
                station=station,
                institution_id=institution,
                position=post,
                employment_type=(
                    EmploymentType.PART_TIME if rng.random() < 0.03 else EmploymentType.FULL_TIME
                ),
                starts_on=starts,
                ends_on=ends,
                leave_reason="个人原因" if ends else "",
            )
        )
        if len(sample) < 3000 and ends is None and rng.random() < 0.3:
            sample.append((person.pk, institution))
        if not level:
            continue
        cert_seq[0] += 1
        expires = _expiry(rng, today)
        year_passed = rng.randint(max(FIRST_EXAM_YEAR, today.year - 17), today.year - 1)
        if expires is not None:
            reg_start = rules.add_years(expires + timedelta(days=1), -3)
            year_passed = min(year_passed, reg_start.year)
        year_passed = max(year_passed, FIRST_EXAM_YEAR)
        cert = Certificate(
            person=person, level=level, number=f"DEMO{cert_seq[0]:08d}", year_passed=year_passed
        )
        certs.append(cert)
        person.highest_level = level
        if expires is not None:
            policy = _policy_on(policies, reg_start)
            regs.append((person, cert, reg_start, expires, policy))
            required = policy.ce_hours_for(level) if policy else 0
            done = Decimal(rng.choice((0, 12, 24, 36, 48, 60, 72, 90)))
            if done:
                span = max((min(today, expires) - reg_start).days, 1)
                ces.append(
                    CERecord(
                        person=person,
                        hours=done,
                        source=CEHourSource.EXTERNAL,
                        completed_on=reg_start + timedelta(days=rng.randint(0, span)),
                        title="社会工作继续教育网络课程",
                        provider="广东省社会工作师联合会",
                    )
                )
            person.registration_starts_on, person.registration_expires_on = reg_start, expires
            person.ce_hours, person.ce_required = done.quantize(Decimal("0.1")), required
        if rng.random() < 0.012:
            kind = rng.choice(list(HonourKind)[:4])
            honours.append(
                Honour(
                    person=person,
                    level=rng.choice(
                        [
                            HonourLevel.CITY,
                            HonourLevel.CITY,
                            HonourLevel.PROVINCIAL,
                            HonourLevel.NATIONAL,
                        ]
                    ),
                    kind=kind,
                    title=f"{kind.label}",
                    year=rng.randint(today.year - 10, today.year),
                    issuer=rng.choice(["广州市人民政府", "广东省民政厅", "民政部"]),
                )
            )
    Employment.objects.bulk_create(jobs, batch_size=2000)
    Certificate.objects.bulk_create(certs, batch_size=2000)
    Registration.objects.bulk_create(
        [
            Registration(person=p, certificate=c, starts_on=s, expires_on=e, policy_version=pol)
            for p, c, s, e, pol in regs
        ],
        batch_size=2000,
    )
    CERecord.objects.bulk_create(ces, batch_size=2000)
    Honour.objects.bulk_create(honours, batch_size=2000)
    SocialWorker.objects.bulk_update(
        [p for p in people if p.highest_level],
        [
            "highest_level",
            "registration_starts_on",
            "registration_expires_on",
            "ce_hours",
            "ce_required",
        ],
        batch_size=2000,
    )
    return len(people)


PROGRAMMES = [
    (
        ProgrammeKind.PRE_EXAM,
        "社会工作者职业水平考试考前培训",
        "广州市社会工作协会",
        "600000.00",
        300,
    ),
    (ProgrammeKind.NEW_STAFF, "新入职社工岗前培训", "广州市社会工作协会", "500000.00", 400),
    (
        ProgrammeKind.MANAGEMENT,
        "社工站站长管理能力提升班",
        "中山大学社会学与人类学学院",
        "700000.00",
        120,
    ),
    (ProgrammeKind.SUPERVISOR, "本土督导人才培养计划", "华南师范大学", "800000.00", 80),
    (
        ProgrammeKind.CONTINUING,
        "社会工作继续教育专题课程",
        "广东省社会工作师联合会",
        "400000.00",
        500,
    ),
]


def _programmes(ctx, rng, today: date, sample: list[tuple[int, int]]) -> None:
    touched = set()
    for year in (today.year - 1, today.year):
        for kind, title, provider, budget, places in PROGRAMMES:
            programme = TrainingProgramme.objects.create(
                year=year,
                kind=kind,
                title=f"{year}年{title}",
                provider=provider,
                budget=Decimal(budget),
                places=places,
                starts_on=date(year, 3, 1),
                ends_on=date(year, 11, 30),
            )
            days = [date(year, 3 + 2 * k, 10 + k) for k in range(rng.randint(2, 4))]
            sessions = TrainingSession.objects.bulk_create(
                [
                    TrainingSession(
                        programme=programme,
                        held_on=d,
                        topic=f"第{k + 1}讲",
                        hours=Decimal(rng.choice((3, 6, 6, 8))),
                        location="广州市社会工作服务中心",
                    )
                    for k, d in enumerate(days)
                ]
            )
            picked = rng.sample(sample, min(len(sample), places // 4))
            enrolments = Enrolment.objects.bulk_create(
                [
                    Enrolment(programme=programme, person_id=pid, institution_id=inst)
                    for pid, inst in picked
                ]
            )
            attendance, credits = [], []
            for e in enrolments:
                held = [s for s in sessions if s.held_on <= today and rng.random() < 0.85]
                attendance += [Attendance(enrolment=e, session=s) for s in held]
                finished = (
                    held
                    and all(s.held_on <= today for s in sessions)
                    and len(held) >= len(sessions) - 1
                )
                if finished:
                    e.status = EnrolmentStatus.COMPLETED
                    e.completed_on = max(s.held_on for s in sessions)
                    if kind == ProgrammeKind.PRE_EXAM:
                        e.exam_passed = rng.random() < 0.45
                    credits.append(
                        CERecord(
                            person_id=e.person_id,
                            hours=sum(s.hours for s in held),
                            completed_on=e.completed_on,
                            source=CEHourSource.PROGRAMME,
                            title=programme.title[:120],
                            provider=provider,
                            enrolment=e,
                        )
                    )
                    touched.add(e.person_id)
            Attendance.objects.bulk_create(attendance, batch_size=2000)
            Enrolment.objects.bulk_update(enrolments, ["status", "completed_on", "exam_passed"])
            CERecord.objects.bulk_create(credits, batch_size=2000)
    # One programme still to start, open for enrolment (issue 13): three weeks from today,
    # its sessions ahead, no one enrolled yet. It belongs to this year's plan.
    upcoming = TrainingProgramme.objects.create(
        year=today.year,
        kind=ProgrammeKind.SUPERVISOR,
        title=f"{today.year}年社会工作督导实务提升班（报名中）",
        provider="广州市社会工作协会",
        budget=Decimal("180000.00"),
        places=60,
        starts_on=today + timedelta(days=21),
        ends_on=today + timedelta(days=21 + 60),
    )
    TrainingSession.objects.bulk_create(
        [
            TrainingSession(
                programme=upcoming,
                held_on=upcoming.starts_on + timedelta(days=14 * k),
                topic=f"第{k + 1}讲",
                hours=Decimal(6),
                location="广州市社会工作服务中心",
            )
            for k in range(4)
        ]
    )
    person_summary_refresh(person_ids=touched, today=today, stations=False)
    station_staffing_refresh(today=today)


register_demo_step("talent", talent, order=120)
