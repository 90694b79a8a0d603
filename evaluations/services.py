"""Writes and state transitions of the evaluations app.

Every service takes ``actor=`` (``None`` is the system: Celery tasks, the demo generator) and
re-checks scope with ``ensure_may``; thresholds come from the policy version for the cycle's
service year. Error messages are module constants in Chinese so tests can match them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from evaluations import rules, selectors
from evaluations.choices import (
    SURVEY_SCALE,
    AppealDecision,
    AppealStatus,
    CycleStatus,
    EvaluationStatus,
    FrameworkStatus,
    Grade,
    Method,
    NodeLevel,
    NodePhase,
    Phase,
    RespondentGroup,
    Scorer,
)
from evaluations.models import (
    Appeal,
    AppealItem,
    Cycle,
    Evaluation,
    EvaluatorAssignment,
    Evidence,
    Framework,
    FrameworkNode,
    Score,
    SelfAssessment,
    SurveyLink,
    SurveyResponse,
    active_assignment_q,
)
from evaluations.uploads import check_all
from portal import audit, clock, versioning
from portal import rules as deadlines
from portal.choices import (
    CITY_ROLES,
    LEVEL_ROLES,
    AuditAction,
    DeadlineKind,
    LadderLevel,
    Role,
)
from portal.errors import Conflict
from portal.scoping import CHANGE, SYSTEM, VIEW, as_user, ensure_may, is_system
from portal.selectors import (
    ladder_in_force,
    policy_for_service_year,
    users_in_role,
    users_responsible_for,
)
from portal.versioning import claim_version, parse_version
from rectification import services as rectification_services
from stations.selectors import operator_ids_by_station

# --- messages ----------------------------------------------------------------------------------
FRAMEWORK_FROZEN = "指标体系“%(name)s”已被评估周期使用，不能修改；请生成新版本后再修改。"
NODE_CODE_TAKEN = "编码“%(code)s”在本体系中已存在。"
NODE_PARENT_LEVEL = "“%(level)s”的上级必须是“%(parent)s”。"
NODE_LEAF_NEEDS_MAX = "评分项“%(code)s”须填写满分。"
FRAMEWORK_INVALID = "指标体系不能使用：%(problems)s"
CYCLE_EXISTS = "%(year)s年度的%(phase)s周期已存在。"
CYCLE_OPENED = "评估周期已开启，日期和指标体系不能再修改。"
NOT_CITY = "只有市级人员可以执行此操作。"
NOT_EVALUATOR = "“%(user)s”不是在岗的第三方评估人员。"
PUBLISHED_LOCKED = "评估结果已发布并锁定，不能再修改。"
STALE_VERSION = (
    "评分表已被他人修改（当前版本%(current)s，您提交的是版本%(seen)s）。"
    "请刷新页面，核对后重新提交。"
)
SELF_SUBMITTED = "自评已提交，不能再修改。"
SELF_WINDOW = "不在自评填报期内（%(start)s 至 %(end)s）。"
SELF_EMPTY = "尚未填写任何自评内容，不能提交。"
NOT_STATION_MANAGER = "只有本站站长可以填写和提交自评。"
NODE_NOT_IN_CYCLE = "指标“%(code)s”不属于本周期适用的评分项。"
SCORE_MISSING = "“%(code)s %(name)s”必须评分。"
SCORE_NEGATIVE = "“%(code)s %(name)s”的得分不能小于0。"
SCORE_ABOVE_MAX = "“%(code)s %(name)s”的得分不能超过满分%(max)s。"
SCORE_INVALID = "“%(code)s %(name)s”的得分不是有效数字。"
NOT_YOUR_PART = "您无权为“%(code)s %(name)s”评分（评分主体：%(scorer)s）。"
SCORING_WINDOW = "不在评分期内（%(start)s 至 %(end)s）。"
IN_APPEAL_LOCKED = "评估正在申诉中，评分只能通过申诉裁定修改。"
SCORES_INCOMPLETE = "还有%(n)s项未评分：%(items)s"
NOT_SCORED = "评估尚未完成评分，不能%(what)s。"
APPEAL_WINDOW = "不在申诉期内（%(start)s 至 %(end)s）。"
APPEAL_EXISTS = "本次评估已提出过申诉，不能重复申诉。"
APPEAL_NO_ITEMS = "请至少选择一项有异议的指标得分，并说明理由。"
APPEAL_REASON = "请填写申诉理由。"
APPEAL_ITEM_REASON = "“%(code)s”须说明申诉理由。"
APPEAL_NOT_FILED = "申诉当前状态为“%(status)s”，不能答复。"
APPEAL_NOT_ANSWERED = "申诉当前状态为“%(status)s”，须评估机构答复后才能裁定。"
APPEAL_ANSWER_EMPTY = "请填写答复内容。"
APPEAL_SCORE_NEEDED = "“%(code)s”须填写裁定得分。"
NOT_PUBLISHABLE = "“%(station)s”的评估状态为“%(status)s”，不能发布。"
SURVEY_ANSWERED = "此问卷链接已经填写过，每个链接只能填写一次。感谢您的参与！"
SURVEY_CLOSED = "问卷已截止，感谢您的关注。"
SURVEY_MISSING_ANSWER = "第%(n)s题“%(question)s”请选择1到5分。"
SURVEY_NO_QUESTIONS = "问卷尚未设置题目，请联系市民政局。"
SURVEY_COUNT = "每次发放的链接数须在1到%(max)s之间。"
NOT_YOUR_STATION = "只有本站站长可以提出申诉。"
ASSIGN_DATES = "结束日期不能早于开始日期。"
ESCALATION_NOTICE = "逾期%(n)s份（升级层级%(level)s）。逾期的社工站：%(stations)s。"
ESCALATION_NOTICE_MORE = "逾期%(n)s份（升级层级%(level)s）。逾期的社工站：%(stations)s等%(n)s个。"

MAX_LINKS_PER_ISSUE = 200
# Stations named in an escalation notice; beyond them the notice gives the count only.
ESCALATION_LIST_MAX = 10


def _now():
    return clock.now()


def _today() -> date:
    return clock.today()


def _is_city(actor) -> bool:
    return actor is not None and actor.has_role(*CITY_ROLES)


def _ensure_city(actor) -> None:
    if not _is_city(actor):
        raise PermissionDenied(_(NOT_CITY))


def _d(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(value) from None


# --- frameworks --------------------------------------------------------------------------------


# The lock checks below are public: the API runs them before it validates a payload, so a
# write to a locked object answers 409 whatever else is wrong with it (issue 18).


def ensure_framework_editable(framework: Framework) -> None:
    if framework.frozen_at or framework.cycles.exists():
        raise Conflict(_(FRAMEWORK_FROZEN) % {"name": framework})


def framework_create(
    *, actor, code: str, name: str, note: str = "", is_example: bool = False
) -> Framework:
    _ensure_city(actor)
    last = Framework.objects.filter(code=code).order_by("-version").first()
    framework = Framework(
        code=code,
        name=name,
        note=note,
        is_example=is_example,
        version=(last.version + 1) if last else 1,
        created_by=as_user(actor),
    )
    framework.full_clean()
    framework.save()
    return framework


def framework_update(*, actor, framework: Framework, **fields) -> Framework:
    _ensure_city(actor)
    ensure_framework_editable(framework)
    for key in ("name", "note", "is_example"):
        if key in fields:
            setattr(framework, key, fields[key])
    framework.full_clean()
    framework.save()
    return framework


_PARENT_LEVEL = {
    NodeLevel.DIMENSION: None,
    NodeLevel.INDICATOR: NodeLevel.DIMENSION,
    NodeLevel.ITEM: NodeLevel.INDICATOR,
}


def _check_parent(level: str, parent: FrameworkNode | None) -> None:
    expected = _PARENT_LEVEL[NodeLevel(level)]
    got = parent.level if parent else None
    if expected != got:
        raise ValidationError(
            {
                "parent": _(NODE_PARENT_LEVEL)
                % {
                    "level": NodeLevel(level).label,
                    "parent": NodeLevel(expected).label if expected else _("无（顶层）"),
                }
            }
        )


def framework_node_add(
    *,
    actor,
    framework: Framework,
    level: str,
    code: str,
    name: str,
    parent: FrameworkNode | None = None,
    max_score=None,
    weight=None,
    phase: str = NodePhase.BOTH,
    scorer: str = Scorer.EVALUATOR,
    method: str = Method.DOCUMENTS,
    evidence: str = "",
    sort_order: int | None = None,
) -> FrameworkNode:
    _ensure_city(actor)
    ensure_framework_editable(framework)
    if parent is not None and parent.framework_id != framework.pk:
        raise ValidationError({"parent": _("上级指标不属于本体系。")})
    _check_parent(level, parent)
    if FrameworkNode.objects.filter(framework=framework, code=code).exists():
        raise ValidationError({"code": _(NODE_CODE_TAKEN) % {"code": code}})
    if sort_order is None:
        sort_order = FrameworkNode.objects.filter(framework=framework).count() + 1
    node = FrameworkNode(
        framework=framework,
        parent=parent,
        level=level,
        code=code,
        name=name,
        max_score=max_score,
        weight=weight,
        phase=phase,
        scorer=scorer,
        method=method,
        evidence=evidence,
        sort_order=sort_order,
    )
    node.full_clean()
    node.save()
    return node


def framework_node_update(*, actor, node: FrameworkNode, **fields) -> FrameworkNode:
    _ensure_city(actor)
    ensure_framework_editable(node.framework)
    for key in (
        "name",
        "max_score",
        "weight",
        "phase",
        "scorer",
        "method",
        "evidence",
        "sort_order",
        "code",
    ):
        if key in fields:
            setattr(node, key, fields[key])
    if (
        "code" in fields
        and FrameworkNode.objects.filter(framework_id=node.framework_id, code=node.code)
        .exclude(pk=node.pk)
        .exists()
    ):
        raise ValidationError({"code": _(NODE_CODE_TAKEN) % {"code": node.code}})
    node.full_clean()
    node.save()
    return node


def framework_node_delete(*, actor, node: FrameworkNode) -> None:
    _ensure_city(actor)
    ensure_framework_editable(node.framework)
    node.delete()


def framework_new_version(*, actor, framework: Framework, name: str = "") -> Framework:
    """A draft copy of ``framework``'s tree as the next version of the same code."""
    _ensure_city(actor)
    with transaction.atomic():
        last = (
            Framework.objects.select_for_update()
            .filter(code=framework.code)
            .order_by("-version")
            .first()
        )
        copy = Framework.objects.create(
            code=framework.code,
            version=last.version + 1,
            name=name or framework.name,
            note=framework.note,
            is_example=framework.is_example,
            based_on=framework,
            created_by=as_user(actor),
        )
        _copy_nodes(framework, copy)
    return copy


def _copy_nodes(source: Framework, target: Framework) -> None:
    tree = selectors.framework_tree(source)
    new_ids: dict[int, FrameworkNode] = {}
    for node, _depth in tree.rows():
        clone = FrameworkNode.objects.create(
            framework=target,
            parent=new_ids.get(node.parent_id),
            level=node.level,
            code=node.code,
            name=node.name,
            max_score=node.max_score,
            weight=node.weight,
            phase=node.phase,
            scorer=node.scorer,
            method=node.method,
            evidence=node.evidence,
            sort_order=node.sort_order,
        )
        new_ids[node.pk] = clone


def framework_adopt(*, actor, framework: Framework) -> Framework:
    _ensure_city(actor)
    problems = selectors.framework_problems(selectors.framework_tree(framework))
    if problems:
        raise ValidationError(_(FRAMEWORK_INVALID) % {"problems": "；".join(problems)})
    framework.status = FrameworkStatus.ADOPTED
    framework.save(update_fields=["status", "updated_at"])
    return framework


# Excel columns of the framework sheet (import and export share them).
SHEET_COLUMNS = [
    "层级",
    "编码",
    "上级编码",
    "名称",
    "满分",
    "权重",
    "适用阶段",
    "评分主体",
    "评估方式",
    "佐证材料",
]


def _label_map(choices) -> dict[str, str]:
    out = {}
    for value, label in choices.choices:
        out[str(label)] = value
        out[value] = value
    return out


def framework_rows(framework: Framework) -> list[list]:
    tree = selectors.framework_tree(framework)
    by_id = {n.pk: n for n in tree.nodes}
    rows = []
    for node, _depth in tree.rows():
        parent = by_id.get(node.parent_id)
        rows.append(
            [
                node.get_level_display(),
                node.code,
                parent.code if parent else "",
                node.name,
                node.max_score,
                node.weight,
                node.get_phase_display(),
                node.get_scorer_display(),
                node.get_method_display(),
                node.evidence,
            ]
        )
    return rows


# A framework has dozens of nodes; a sheet beyond this is not one.
FRAMEWORK_MAX_ROWS = 2000


def framework_import(*, actor, upload, code: str, name: str, note: str = "") -> Framework:
    """A new draft framework (next version of ``code``) from an Excel sheet in the export's
    layout. The whole sheet is checked first; nothing is saved unless every row is good."""
    from portal.imports import ImportRefused, read_table

    _ensure_city(actor)
    try:
        # The one reader (portal/imports.py): size, bomb, entity and row/column caps.
        rows = read_table(upload, max_rows=FRAMEWORK_MAX_ROWS)
    except ImportRefused as error:
        raise ValidationError(error.message) from error
    if not rows:
        raise ValidationError(_("工作表没有数据：第一行应为表头。"))
    header = [str(h or "").strip() for h in rows[0]]
    missing = [c for c in SHEET_COLUMNS[:4] if c not in header]
    if missing:
        raise ValidationError(
            _("缺少必需的列：%(cols)s。请使用导出的模板。") % {"cols": "、".join(missing)}
        )
    col = {h: i for i, h in enumerate(header)}
    levels, phases = _label_map(NodeLevel), _label_map(NodePhase)
    scorers, methods = _label_map(Scorer), _label_map(Method)
    errors: list[str] = []
    parsed: list[dict] = []
    seen: dict[str, str] = {}

    def cell(row, name):
        i = col.get(name)
        value = row[i] if i is not None and i < len(row) else None
        return "" if value is None else str(value).strip()

    for number, row in enumerate(rows[1:], start=2):
        if not any(v not in (None, "") for v in row):
            continue
        where = _("第%(n)s行") % {"n": number}
        level = levels.get(cell(row, "层级"))
        code_ = cell(row, "编码")
        parent = cell(row, "上级编码")
        if level is None:
            errors.append(f"{where}：" + _("“层级”须为维度、指标或评分项。"))
            continue
        if not code_:
            errors.append(f"{where}：" + _("“编码”必填。"))
            continue
        if code_ in seen:
            errors.append(f"{where}：" + _(NODE_CODE_TAKEN) % {"code": code_})
            continue
        expected = _PARENT_LEVEL[NodeLevel(level)]
        if expected and seen.get(parent) != expected:
            errors.append(
                f"{where}："
                + _("上级编码“%(p)s”须为本表前面的%(l)s。")
                % {"p": parent, "l": NodeLevel(expected).label}
            )
            continue
        if not expected and parent:
            errors.append(f"{where}：" + _("维度不能有上级编码。"))
            continue
        try:
            max_score, weight = _d(cell(row, "满分")), _d(cell(row, "权重"))
        except ValueError:
            errors.append(f"{where}：" + _("“满分”或“权重”不是有效数字。"))
            continue
        if (max_score is not None and max_score < 0) or (weight is not None and weight < 0):
            errors.append(f"{where}：" + _("“满分”和“权重”不能为负数。"))
            continue
        phase = phases.get(cell(row, "适用阶段") or NodePhase.BOTH)
        scorer = scorers.get(cell(row, "评分主体") or Scorer.EVALUATOR)
        method = methods.get(cell(row, "评估方式") or Method.DOCUMENTS)
        if phase is None or scorer is None or method is None:
            errors.append(f"{where}：" + _("“适用阶段”“评分主体”或“评估方式”不是可选值。"))
            continue
        name_ = cell(row, "名称")
        if not name_:
            errors.append(f"{where}：" + _("“名称”必填。"))
            continue
        seen[code_] = level
        parsed.append(
            {
                "level": level,
                "code": code_[:20],
                "parent": parent,
                "name": name_[:200],
                "max_score": max_score,
                "weight": weight,
                "phase": phase,
                "scorer": scorer,
                "method": method,
                "evidence": cell(row, "佐证材料")[:300],
            }
        )
    if not parsed and not errors:
        errors.append(_("工作表没有任何指标。"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        framework = framework_create(actor=actor, code=code, name=name, note=note)
        by_code: dict[str, FrameworkNode] = {}
        for order, p in enumerate(parsed, start=1):
            by_code[p["code"]] = FrameworkNode.objects.create(
                framework=framework,
                parent=by_code.get(p["parent"]),
                level=p["level"],
                code=p["code"],
                name=p["name"],
                max_score=p["max_score"],
                weight=p["weight"],
                phase=p["phase"],
                scorer=p["scorer"],
                method=p["method"],
                evidence=p["evidence"],
                sort_order=order,
            )
        audit.record(
            AuditAction.IMPORT,
            instance=framework,
            message=_("从Excel导入指标%(n)s条") % {"n": len(parsed)},
        )
    return framework


# --- cycles ------------------------------------------------------------------------------------

CYCLE_DATE_FIELDS = (
    "opens_on",
    "self_due_on",
    "scoring_starts_on",
    "scoring_due_on",
    "appeal_starts_on",
    "appeal_due_on",
    "publish_on",
)


def cycle_create(
    *, actor, service_year: int, phase: str, framework: Framework, name: str = "", **dates
) -> Cycle:
    """A planned cycle; the framework version it uses is frozen from now on."""
    _ensure_city(actor)
    if Cycle.objects.filter(service_year=service_year, phase=phase).exists():
        raise ValidationError(
            {"phase": _(CYCLE_EXISTS) % {"year": service_year, "phase": Phase(phase).label}}
        )
    problems = selectors.framework_problems(selectors.framework_tree(framework))
    if problems:
        raise ValidationError(
            {"framework": _(FRAMEWORK_INVALID) % {"problems": "；".join(problems)}}
        )
    cycle = Cycle(
        service_year=service_year,
        phase=phase,
        framework=framework,
        name=name
        or _("%(year)s年度%(phase)s") % {"year": service_year, "phase": Phase(phase).label},
        created_by=as_user(actor),
        **{k: dates[k] for k in CYCLE_DATE_FIELDS},
    )
    cycle.full_clean()
    with transaction.atomic():
        cycle.save()
        _freeze(framework)
    return cycle


def _freeze(framework: Framework) -> None:
    if not framework.frozen_at:
        framework.frozen_at = _now()
        if framework.status == FrameworkStatus.DRAFT:
            framework.status = FrameworkStatus.ADOPTED
        framework.save(update_fields=["frozen_at", "status", "updated_at"])


def ensure_cycle_not_published(cycle: Cycle) -> None:
    if cycle.status == CycleStatus.PUBLISHED:
        raise Conflict(_(PUBLISHED_LOCKED))


def ensure_cycle_editable(cycle: Cycle) -> None:
    """Dates and framework change only while the cycle is planned."""
    ensure_cycle_not_published(cycle)
    if cycle.status != CycleStatus.PLANNED:
        raise Conflict(_(CYCLE_OPENED))


def cycle_update(*, actor, cycle: Cycle, **fields) -> Cycle:
    _ensure_city(actor)
    ensure_cycle_editable(cycle)
    for key in (*CYCLE_DATE_FIELDS, "name"):
        if key in fields:
            setattr(cycle, key, fields[key])
    if "framework" in fields and fields["framework"].pk != cycle.framework_id:
        cycle.framework = fields["framework"]
        _freeze(cycle.framework)
    cycle.full_clean()
    cycle.save()
    return cycle


@dataclass
class OpenResult:
    created: int
    existing: int


def cycle_open(*, cycle_id: int, today: date | None = None) -> OpenResult:
    """Open a cycle: one evaluation per station with a comprehensive contract in force on the
    opening date (kept inside the service year: ``rules.operators_day``), attributed to the
    institution running it then. Safe to run twice: the unique constraint (cycle, station)
    and ``ignore_conflicts`` create nothing twice."""
    from stations.models import Contract

    today = today or _today()
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle_id)
        ensure_cycle_not_published(cycle)
        if cycle.opens_on > today:
            return OpenResult(0, 0)
        existing = Evaluation.objects.filter(cycle=cycle).count()
        operators = (
            Contract.objects.in_force(
                rules.operators_day(service_year=cycle.service_year, opens_on=cycle.opens_on)
            )
            .filter(is_comprehensive=True)
            .order_by("station_id", "-starts_on")
            .values_list("station_id", "institution_id")
        )
        seen: set[int] = set()
        rows = []
        for station_id, institution_id in operators.iterator(chunk_size=5000):
            if station_id in seen:
                continue
            seen.add(station_id)
            rows.append(
                Evaluation(cycle_id=cycle.pk, station_id=station_id, institution_id=institution_id)
            )
        Evaluation.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
        created = Evaluation.objects.filter(cycle=cycle).count() - existing
        if cycle.status == CycleStatus.PLANNED:
            cycle.status = CycleStatus.OPEN
            cycle.opened_at = _now()
            cycle.policy_version = policy_for_service_year(cycle.service_year)
            cycle.save(update_fields=["status", "opened_at", "policy_version", "updated_at"])
        if created:
            audit.record(
                AuditAction.ACTION,
                instance=cycle,
                message=_("开启评估周期：新建评估%(n)s份") % {"n": created},
            )
    return OpenResult(created, existing)


def cycles_open_due(*, today: date | None = None) -> list[OpenResult]:
    today = today or _today()
    ids = (
        Cycle.objects.filter(opens_on__lte=today)
        .exclude(status=CycleStatus.PUBLISHED)
        .values_list("pk", flat=True)
    )
    return [cycle_open(cycle_id=pk, today=today) for pk in ids]


# --- evaluators --------------------------------------------------------------------------------


def assignment_create(
    *,
    actor,
    evaluations: Sequence[Evaluation],
    evaluator,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> int:
    """Assign ``evaluator`` to each evaluation (one or a batch); an existing assignment of
    the same pair gets the new dates. Returns how many were created or changed."""
    _ensure_city(actor)
    for ev in evaluations:
        if not is_system(actor):
            ensure_may(actor, CHANGE, ev)
        ensure_evaluation_not_published(ev)
    if Role.EVALUATOR not in {a.role for a in evaluator.active_assignments()}:
        raise ValidationError({"evaluator": _(NOT_EVALUATOR) % {"user": evaluator}})
    starts_on = starts_on or _today()
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _(ASSIGN_DATES)})
    n = 0
    with transaction.atomic():
        for ev in evaluations:
            if not is_system(actor):
                ensure_may(actor, CHANGE, ev)
            ensure_evaluation_not_published(ev)
            EvaluatorAssignment.objects.update_or_create(
                evaluation=ev,
                evaluator=evaluator,
                defaults={
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                    "ended_at": None,
                    "assigned_by": as_user(actor),
                },
            )
            n += 1
    return n


def assignment_end(*, actor, assignment: EvaluatorAssignment, ends_on: date | None = None):
    """End an evaluator's assignment: now (``ends_on`` today, the default), when access stops
    at once rather than at midnight (``ended_at``), or after a later day."""
    _ensure_city(actor)
    today = _today()
    last_day = ends_on or today
    assignment.ends_on = max(last_day, assignment.starts_on)
    # Ended today, or before it was to start (it never runs): access stops now.
    ends_now = last_day <= today or last_day < assignment.starts_on
    assignment.ended_at = _now() if ends_now else None
    assignment.full_clean()
    assignment.save(update_fields=["ends_on", "ended_at"])
    return assignment


# --- locks -------------------------------------------------------------------------------------


def ensure_evaluation_not_published(evaluation: Evaluation) -> None:
    """The publication lock (checked again under a row lock by every write)."""
    if evaluation.status == EvaluationStatus.PUBLISHED:
        raise Conflict(_(PUBLISHED_LOCKED))


def _lock(evaluation: Evaluation, seen_version: int | None = None) -> Evaluation:
    """Re-read the evaluation under a row lock; refuse if published or the version is stale."""
    locked = (
        Evaluation.objects.select_for_update()
        .select_related("cycle", "station")
        .get(pk=evaluation.pk)
    )
    ensure_evaluation_not_published(locked)
    if seen_version is not None and int(seen_version) != locked.version:
        raise Conflict(_(STALE_VERSION) % {"current": locked.version, "seen": seen_version})
    return locked


def _bump(evaluation: Evaluation) -> None:
    Evaluation.objects.filter(pk=evaluation.pk).update(version=F("version") + 1, updated_at=_now())
    evaluation.version += 1


# --- self-assessment ---------------------------------------------------------------------------


def _ensure_station_manager(actor, evaluation: Evaluation, message=NOT_STATION_MANAGER) -> None:
    if is_system(actor):
        return
    ensure_may(actor, VIEW, evaluation)
    if not any(
        a.role == Role.STATION_MANAGER and a.station_id == evaluation.station_id
        for a in actor.active_assignments()
    ):
        raise PermissionDenied(_(message))


def _leaf(evaluation: Evaluation, node_id: int):
    tree = selectors.framework_tree(evaluation.cycle.framework)
    for leaf in tree.leaves_for(evaluation.cycle.phase):
        if leaf.id == int(node_id):
            return leaf
    raise ValidationError({"node": _(NODE_NOT_IN_CYCLE) % {"code": node_id}})


def self_assessment_save(
    *,
    actor,
    evaluation: Evaluation,
    node_id: int,
    text: str,
    files: Iterable = (),
    today: date | None = None,
    version: int | str | None = None,
) -> SelfAssessment:
    """Save (draft) the self-assessment of one indicator with evidence files.

    ``version`` is the version of the item the manager read (0: it had none yet); when it is
    no longer current (another manager of the station saved meanwhile) the save answers 409
    naming who and when (``portal.versioning``). ``None`` does not check."""
    today = today or _today()
    _ensure_station_manager(actor, evaluation)
    ensure_evaluation_not_published(evaluation)
    checked = check_all(files)
    with transaction.atomic():
        ev = _lock(evaluation)
        if ev.self_submitted_at:
            raise Conflict(_(SELF_SUBMITTED))
        cycle = ev.cycle
        if not rules.within(today, cycle.opens_on, cycle.self_due_on):
            raise ValidationError(
                _(SELF_WINDOW) % {"start": cycle.opens_on, "end": cycle.self_due_on}
            )
        leaf = _leaf(ev, node_id)
        seen = parse_version(version)
        entry = SelfAssessment.objects.filter(evaluation=ev, node_id=leaf.id).first()
        if seen is not None:
            if entry is not None:
                claim_version(entry, seen)
            elif seen != 0:
                raise Conflict(_(versioning.GONE))
        if entry is None:
            # The evaluation's row lock serialises two first saves of one item.
            entry = SelfAssessment.objects.create(
                evaluation=ev, node_id=leaf.id, text=text.strip(), updated_by=as_user(actor)
            )
        else:
            entry.text, entry.updated_by = text.strip(), as_user(actor)
            entry.save()
        for upload, content_type in checked:
            Evidence.objects.create(
                evaluation=ev,
                node_id=leaf.id,
                file=upload,
                name=str(upload.name)[:200],
                content_type=content_type,
                size=upload.size,
                uploaded_by=as_user(actor),
            )
    return entry


def self_assessment_submit(*, actor, evaluation: Evaluation, today: date | None = None):
    """Submit once; afterwards the self-assessment is read-only."""
    today = today or _today()
    _ensure_station_manager(actor, evaluation)
    with transaction.atomic():
        ev = _lock(evaluation)
        if ev.self_submitted_at:
            raise Conflict(_(SELF_SUBMITTED))
        cycle = ev.cycle
        if not rules.within(today, cycle.opens_on, cycle.self_due_on):
            raise ValidationError(
                _(SELF_WINDOW) % {"start": cycle.opens_on, "end": cycle.self_due_on}
            )
        if not SelfAssessment.objects.filter(evaluation=ev).exclude(text="").exists():
            raise ValidationError(_(SELF_EMPTY))
        ev.self_submitted_at = _now()
        ev.self_submitted_by = as_user(actor)
        if ev.status == EvaluationStatus.NOT_STARTED:
            ev.status = EvaluationStatus.SUBMITTED
        ev.save(update_fields=["self_submitted_at", "self_submitted_by", "status", "updated_at"])
    evaluation.refresh_from_db()
    return evaluation


# --- scoring -----------------------------------------------------------------------------------


def scorer_parts(actor, evaluation: Evaluation, today: date | None = None) -> set[str]:
    """Which scorers' indicators ``actor`` may score in this evaluation."""
    phase = evaluation.cycle.phase
    everything = set(Scorer.values)
    if not rules.financial_applies(phase):
        everything.discard(Scorer.FINANCIAL)
    if _is_city(actor):
        return everything
    parts: set[str] = set()
    station = evaluation.station
    for a in actor.active_assignments():
        if a.role == Role.SUBDISTRICT_OFFICER and a.subdistrict_id == station.subdistrict_id:
            parts.add(Scorer.PURCHASER)
        if a.role == Role.DISTRICT_OFFICER and a.district_id == station.district_id:
            parts.add(Scorer.SUPERVISOR)
    if actor.has_role(Role.EVALUATOR) and selectors.evaluator_has(actor, evaluation, today):
        parts |= {Scorer.EVALUATOR, Scorer.COMMUNITY, Scorer.USERS}
        if rules.financial_applies(phase):
            parts.add(Scorer.FINANCIAL)
    return parts


@dataclass
class ScoreInput:
    node_id: int
    score: object  # str/Decimal/None as typed
    comment: str = ""


def scores_save(
    *,
    actor,
    evaluation: Evaluation,
    version: int,
    entries: Sequence[ScoreInput],
    today: date | None = None,
) -> Evaluation:
    """Save scores of the actor's part. All-or-nothing: any bad score changes nothing.

    ``version`` is the score sheet version the actor read; a stale one answers 409.
    """
    today = today or _today()
    if not is_system(actor):
        ensure_may(actor, VIEW, evaluation)
    errors: list[str] = []
    with transaction.atomic():
        ev = _lock(evaluation, version)
        if ev.status == EvaluationStatus.IN_APPEAL:
            raise Conflict(_(IN_APPEAL_LOCKED))
        cycle = ev.cycle
        parts = scorer_parts(actor, ev, today)
        if not parts:
            raise PermissionDenied(_("您不是本评估的评分人。"))
        if not _is_city(actor) and not rules.within(
            today, cycle.scoring_starts_on, cycle.scoring_due_on
        ):
            raise ValidationError(
                _(SCORING_WINDOW) % {"start": cycle.scoring_starts_on, "end": cycle.scoring_due_on}
            )
        leaves = {
            lf.id: lf for lf in selectors.framework_tree(cycle.framework).leaves_for(cycle.phase)
        }
        clean: list[tuple] = []
        for entry in entries:
            leaf = leaves.get(int(entry.node_id))
            if leaf is None:
                errors.append(_(NODE_NOT_IN_CYCLE) % {"code": entry.node_id})
                continue
            names = {
                "code": leaf.code,
                "name": leaf.name,
                "max": leaf.max_score,
                "scorer": Scorer(leaf.scorer).label,
            }
            if leaf.scorer not in parts:
                errors.append(_(NOT_YOUR_PART) % names)
                continue
            try:
                value = _d(entry.score)
            except ValueError:
                errors.append(_(SCORE_INVALID) % names)
                continue
            problem = rules.score_problem(value, leaf.max_score)
            if problem == "missing":
                continue  # an empty field leaves the score as it was
            if problem:
                errors.append(
                    _(SCORE_NEGATIVE if problem == "negative" else SCORE_ABOVE_MAX) % names
                )
                continue
            clean.append((leaf, rules.q2(value), (entry.comment or "").strip()))
        if errors:
            raise ValidationError(errors)
        existing = {s.node_id: s for s in Score.objects.filter(evaluation=ev)}
        for leaf, value, comment in clean:
            current = existing.get(leaf.id)
            if current and current.score == value and current.comment == comment:
                continue
            if current:
                current.score, current.comment = value, comment
                current.scored_by, current.scored_at = as_user(actor), _now()
                current.save()
            else:
                Score.objects.create(
                    evaluation=ev,
                    node_id=leaf.id,
                    score=value,
                    comment=comment,
                    scorer=leaf.scorer,
                    scored_by=as_user(actor),
                )
        _bump(ev)
        if ev.status == EvaluationStatus.SCORED:
            _compute_and_store(ev)
    evaluation.refresh_from_db()
    return evaluation


def _compute_and_store(ev: Evaluation) -> Evaluation:
    cycle = ev.cycle
    tree = selectors.framework_tree(cycle.framework)
    policy = cycle.policy_version or policy_for_service_year(cycle.service_year)
    sources = selectors.score_sources(tree, [ev.pk]).get(ev.pk, rules.ScoreSources())
    result = rules.score_evaluation(tree, cycle.phase, sources)
    if result.missing:
        items = "、".join(f"{lf.code} {lf.name}" for lf in result.missing[:10])
        raise ValidationError(_(SCORES_INCOMPLETE) % {"n": len(result.missing), "items": items})
    ev.total, ev.breakdown = result.total, result.breakdown
    ev.grade = rules.grade_for_policy(result.total, policy)
    ev.framework_id, ev.policy_version = cycle.framework_id, policy
    ev.computed_at = _now()
    if ev.status in (EvaluationStatus.NOT_STARTED, EvaluationStatus.SUBMITTED):
        ev.status = EvaluationStatus.SCORED
    ev.save(
        update_fields=[
            "total",
            "grade",
            "breakdown",
            "framework",
            "policy_version",
            "computed_at",
            "status",
            "updated_at",
        ]
    )
    return ev


def scoring_complete(
    *, actor, evaluation: Evaluation, version: int | None = None, today: date | None = None
) -> Evaluation:
    """Compute the draft result once every required score is in; the station sees it."""
    if not is_system(actor):
        ensure_may(actor, VIEW, evaluation)
        if not (
            _is_city(actor)
            or (
                actor.has_role(Role.EVALUATOR) and selectors.evaluator_has(actor, evaluation, today)
            )
        ):
            raise PermissionDenied(_("只有分派的评估人员或市级人员可以完成评分。"))
    with transaction.atomic():
        ev = _lock(evaluation, version)
        if ev.status == EvaluationStatus.IN_APPEAL:
            raise Conflict(_(IN_APPEAL_LOCKED))
        _compute_and_store(ev)
        _bump(ev)
    evaluation.refresh_from_db()
    return evaluation


# Evaluations whose sources are read and results computed at a time (bounded memory at
# nation scale: about 30 score rows each).
COMPUTE_BATCH = 2000


def results_compute_cycle(*, cycle: Cycle, only_complete: bool = True) -> int:
    """Compute and save the results of every evaluation of a cycle whose scores are complete,
    in bulk (two reads and one UPDATE per batch of evaluations). Returns how many were saved.
    An evaluation with nothing entered and no survey answers is left as it is."""
    tree = selectors.framework_tree(cycle.framework)
    policy = cycle.policy_version or policy_for_service_year(cycle.service_year)
    statuses = list(
        Evaluation.objects.filter(cycle=cycle)
        .exclude(status__in=[EvaluationStatus.PUBLISHED, EvaluationStatus.IN_APPEAL])
        .order_by("pk")
        .values_list("pk", "status")
    )
    now = _now()
    saved = 0
    for start in range(0, len(statuses), COMPUTE_BATCH):
        chunk = statuses[start : start + COMPUTE_BATCH]
        sources = selectors.score_sources(tree, [eid for eid, _status in chunk])
        batch: list[tuple] = []
        for eid, status in chunk:
            if eid not in sources:
                continue
            result = rules.score_evaluation(tree, cycle.phase, sources[eid])
            if result.missing and only_complete:
                continue
            if status in (EvaluationStatus.NOT_STARTED, EvaluationStatus.SUBMITTED):
                status = EvaluationStatus.SCORED
            grade = rules.grade_for_policy(result.total, policy)
            batch.append((eid, result.total, grade, result.breakdown, status))
        if batch:
            _bulk_store(batch, cycle.framework_id, policy.pk, now)
            saved += len(batch)
    if saved:
        # The results are stored in bulk, past the audit signals: one row on the cycle says
        # who computed them (the system, for the periodic task).
        audit.record(
            AuditAction.ACTION,
            instance=cycle,
            message=_("计算评估结果%(n)s份") % {"n": saved},
        )
    return saved


def _bulk_store(batch, framework_id: int, policy_id: int, now) -> None:
    """Write computed results: one ``UPDATE ... FROM (VALUES ...)`` per 1,000 rows on
    PostgreSQL, ``bulk_update`` elsewhere."""
    import json

    if connection.vendor == "postgresql":
        from psycopg2.extras import execute_values

        values = [
            (eid, total, grade, json.dumps(bd, ensure_ascii=False), status, now)
            for eid, total, grade, bd, status in batch
        ]
        # Only integers from our own rows are formatted in; the values go through psycopg2.
        sql = (
            "UPDATE evaluations_evaluation AS e SET total = v.total, grade = v.grade, "  # noqa: S608
            "breakdown = v.breakdown::jsonb, status = v.status, "
            f"framework_id = {int(framework_id)}, policy_version_id = {int(policy_id)}, "
            "computed_at = v.at, updated_at = v.at "
            "FROM (VALUES %s) AS v(id, total, grade, breakdown, status, at) "
            "WHERE e.id = v.id"
        )
        with connection.cursor() as cursor:
            execute_values(
                cursor.cursor if hasattr(cursor, "cursor") else cursor,
                sql,
                values,
                template="(%s::bigint, %s::numeric, %s, %s, %s, %s::timestamptz)",
                page_size=1000,
            )
        return
    objs = []
    for eid, total, grade, bd, status in batch:
        objs.append(
            Evaluation(
                pk=eid,
                total=total,
                grade=grade,
                breakdown=bd,
                status=status,
                framework_id=framework_id,
                policy_version_id=policy_id,
                computed_at=now,
                updated_at=now,
            )
        )
    Evaluation.objects.bulk_update(
        objs,
        [
            "total",
            "grade",
            "breakdown",
            "status",
            "framework",
            "policy_version",
            "computed_at",
            "updated_at",
        ],
        batch_size=500,
    )


# --- appeals -----------------------------------------------------------------------------------


@dataclass
class AppealInput:
    node_id: int
    requested_score: object
    reason: str


def appeal_file(
    *,
    actor,
    evaluation: Evaluation,
    reason: str,
    items: Sequence[AppealInput],
    files: Iterable = (),
    today: date | None = None,
) -> Appeal:
    today = today or _today()
    _ensure_station_manager(actor, evaluation, NOT_YOUR_STATION)
    ensure_evaluation_not_published(evaluation)
    checked = check_all(files)
    if not (reason or "").strip():
        raise ValidationError({"reason": _(APPEAL_REASON)})
    if not items:
        raise ValidationError(_(APPEAL_NO_ITEMS))
    with transaction.atomic():
        ev = _lock(evaluation)
        cycle = ev.cycle
        if Appeal.objects.filter(evaluation=ev).exists():
            raise Conflict(_(APPEAL_EXISTS))
        if ev.status != EvaluationStatus.SCORED:
            raise ValidationError(_(NOT_SCORED) % {"what": _("申诉")})
        if not rules.within(today, cycle.appeal_starts_on, cycle.appeal_due_on):
            raise ValidationError(
                _(APPEAL_WINDOW) % {"start": cycle.appeal_starts_on, "end": cycle.appeal_due_on}
            )
        current = {row["code"]: row for row in ev.breakdown}
        errors, clean = [], []
        for item in items:
            leaf = _leaf(ev, item.node_id)
            names = {"code": leaf.code, "name": leaf.name, "max": leaf.max_score}
            if not (item.reason or "").strip():
                errors.append(_(APPEAL_ITEM_REASON) % names)
                continue
            try:
                requested = _d(item.requested_score)
            except ValueError:
                errors.append(_(SCORE_INVALID) % names)
                continue
            problem = (
                rules.score_problem(requested, leaf.max_score) if requested is not None else None
            )
            if problem:
                errors.append(
                    _(SCORE_NEGATIVE if problem == "negative" else SCORE_ABOVE_MAX) % names
                )
                continue
            original = Decimal(current.get(leaf.code, {}).get("score") or 0)
            clean.append((leaf, original, requested, item.reason.strip()))
        if errors:
            raise ValidationError(errors)
        appeal = Appeal.objects.create(
            evaluation=ev, reason=reason.strip(), filed_by=as_user(actor)
        )
        for leaf, original, requested, why in clean:
            AppealItem.objects.create(
                appeal=appeal,
                evaluation=ev,
                node_id=leaf.id,
                original_score=original,
                requested_score=requested,
                reason=why,
            )
        for upload, content_type in checked:
            Evidence.objects.create(
                evaluation=ev,
                appeal=appeal,
                file=upload,
                name=str(upload.name)[:200],
                content_type=content_type,
                size=upload.size,
                uploaded_by=as_user(actor),
            )
        ev.status = EvaluationStatus.IN_APPEAL
        ev.save(update_fields=["status", "updated_at"])
        _bump(ev)
    evaluator_ids = selectors.active_evaluator_ids(ev)
    _notify_appeal(ev.pk, evaluator_ids)
    return appeal


def _notify_appeal(evaluation_id: int, evaluator_ids: list[int]) -> None:
    from django.urls import reverse

    from portal.services.notifications import notification_post

    notification_post(
        recipients=users_in_role(Role.EVALUATOR).filter(pk__in=evaluator_ids),
        title=_("有新的评估申诉待答复"),
        url=reverse("evaluations:evaluation_detail", args=[evaluation_id]),
        kind="evaluation",
        dedupe_key=f"evaluations:appeal:{evaluation_id}",
    )


def appeal_answer(*, actor, appeal: Appeal, answer: str) -> Appeal:
    ev = appeal.evaluation
    if not is_system(actor):
        ensure_may(actor, VIEW, ev)
        if not (
            _is_city(actor)
            or (actor.has_role(Role.EVALUATOR) and selectors.evaluator_has(actor, ev))
        ):
            raise PermissionDenied(_("只有分派的评估人员可以答复申诉。"))
    ensure_evaluation_not_published(ev)
    if not (answer or "").strip():
        raise ValidationError({"answer": _(APPEAL_ANSWER_EMPTY)})
    with transaction.atomic():
        _lock(ev)
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if locked.status != AppealStatus.FILED:
            raise Conflict(_(APPEAL_NOT_FILED) % {"status": locked.get_status_display()})
        locked.answer, locked.answered_by, locked.answered_at = answer.strip(), actor, _now()
        locked.status = AppealStatus.ANSWERED
        locked.save()
    return locked


def appeal_decide(
    *, actor, appeal: Appeal, decision: str, note: str = "", scores: dict[int, object] | None = None
) -> Appeal:
    """The city officer's decision; decided scores replace the disputed ones and the result
    is computed again. Every change is in the audit trail (score rows are audited)."""
    _ensure_city(actor)
    ensure_evaluation_not_published(appeal.evaluation)
    if decision not in AppealDecision.values:
        raise ValidationError({"decision": _("请选择裁定结果。")})
    scores = scores or {}
    with transaction.atomic():
        ev = _lock(appeal.evaluation)
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if locked.status != AppealStatus.ANSWERED:
            raise Conflict(_(APPEAL_NOT_ANSWERED) % {"status": locked.get_status_display()})
        errors = []
        changes = []
        for item in locked.items.all():
            leaf = _leaf(ev, item.node_id)
            names = {"code": leaf.code, "name": leaf.name, "max": leaf.max_score}
            raw = scores.get(item.node_id, scores.get(str(item.node_id)))
            if decision == AppealDecision.REJECTED:
                raw = item.original_score
            try:
                value = _d(raw)
            except ValueError:
                errors.append(_(SCORE_INVALID) % names)
                continue
            if value is None:
                errors.append(_(APPEAL_SCORE_NEEDED) % names)
                continue
            problem = rules.score_problem(value, leaf.max_score)
            if problem:
                errors.append(
                    _(SCORE_NEGATIVE if problem == "negative" else SCORE_ABOVE_MAX) % names
                )
                continue
            changes.append((item, leaf, rules.q2(value)))
        if errors:
            raise ValidationError(errors)
        for item, leaf, value in changes:
            item.decided_score = value
            item.save(update_fields=["decided_score"])
            if value != item.original_score:
                Score.objects.update_or_create(
                    evaluation=ev,
                    node_id=leaf.id,
                    defaults={
                        "score": value,
                        "scorer": leaf.scorer,
                        "scored_by": as_user(actor),
                        "scored_at": _now(),
                        "comment": _("申诉裁定调整：%(old)s → %(new)s")
                        % {"old": item.original_score, "new": value},
                    },
                )
        locked.decision, locked.decision_note = decision, note.strip()
        locked.decided_by, locked.decided_at = as_user(actor), _now()
        locked.status = AppealStatus.DECIDED
        locked.save()
        ev.status = EvaluationStatus.SCORED
        ev.save(update_fields=["status", "updated_at"])
        _compute_and_store(ev)
        _bump(ev)
    return locked


# --- publication and rectification -------------------------------------------------------------


def _failed_order_severity(evaluation: Evaluation) -> str:
    """The severity of a failed evaluation's order: the policy version that graded it (else
    the one of its service year), ``failed_evaluation_order_severity``."""
    policy = evaluation.policy_version or policy_for_service_year(evaluation.cycle.service_year)
    return policy.failed_evaluation_order_severity


def rectification_open_for(*, actor, evaluation: Evaluation):
    """A failing grade requires a rectification plan tracked to closure: an order of the
    rectification app (``source_kind="evaluation"``)."""
    order = rectification_services.rectification_order_open(
        # The rectification services still read ``None`` as the system.
        actor=as_user(actor),
        station=evaluation.station,
        source_kind="evaluation",
        source_ref=f"evaluation:{evaluation.pk}",
        severity=_failed_order_severity(evaluation),
        # "2025年度末期评估" + "评估不合格整改" would say 评估 twice.
        title=_("%(cycle)s评估不合格整改") % {"cycle": evaluation.cycle.name.removesuffix("评估")},
        description=_(
            "评估总分%(total)s，等级不合格。请制定整改方案并逐项落实，整改完成后提交佐证材料。"
        )
        % {"total": evaluation.total},
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(rectification_order_id=order.pk)
    evaluation.rectification_order_id = order.pk
    return order


def evaluation_publish(*, actor, evaluation: Evaluation) -> Evaluation:
    _ensure_city(actor)
    with transaction.atomic():
        ev = _lock(evaluation)
        if ev.status != EvaluationStatus.SCORED:
            raise ValidationError(
                _(NOT_PUBLISHABLE) % {"station": ev.station, "status": ev.get_status_display()}
            )
        ev.status, ev.published_at = EvaluationStatus.PUBLISHED, _now()
        ev.save(update_fields=["status", "published_at", "updated_at"])
        if ev.grade == Grade.FAIL:
            rectification_open_for(actor=SYSTEM, evaluation=ev)
    return ev


def cycle_publish(*, actor, cycle: Cycle) -> int:
    """Publish every scored evaluation of the cycle (appeals must be decided first)."""
    _ensure_city(actor)
    ensure_cycle_not_published(cycle)
    with transaction.atomic():
        ready = list(
            Evaluation.objects.select_for_update()
            .filter(cycle=cycle, status=EvaluationStatus.SCORED)
            .select_related("station", "cycle")
        )
        now = _now()
        Evaluation.objects.filter(pk__in=[e.pk for e in ready]).update(
            status=EvaluationStatus.PUBLISHED, published_at=now, updated_at=now
        )
        audit.record_bulk(AuditAction.UPDATE, ready, message=_("发布评估结果"))
        for ev in ready:
            if ev.grade == Grade.FAIL:
                rectification_open_for(actor=SYSTEM, evaluation=ev)
        left = (
            Evaluation.objects.filter(cycle=cycle)
            .exclude(status=EvaluationStatus.PUBLISHED)
            .exists()
        )
        if not left:
            cycle.status, cycle.published_at = CycleStatus.PUBLISHED, now
            cycle.save(update_fields=["status", "published_at", "updated_at"])
    return len(ready)


# --- surveys -----------------------------------------------------------------------------------


def survey_links_issue(
    *, actor, evaluation: Evaluation, group: str, count: int
) -> list[SurveyLink]:
    """Issue ``count`` one-time links for a respondent group of a station."""
    _ensure_city(actor)
    if not is_system(actor):
        ensure_may(actor, VIEW, evaluation)
    ensure_evaluation_not_published(evaluation)
    if group not in RespondentGroup.values:
        raise ValidationError({"group": _("请选择对象类别。")})
    if not 1 <= int(count) <= MAX_LINKS_PER_ISSUE:
        raise ValidationError({"count": _(SURVEY_COUNT) % {"max": MAX_LINKS_PER_ISSUE}})
    links = [
        SurveyLink(
            evaluation=evaluation,
            group=group,
            token=secrets.token_urlsafe(24),
            issued_by=as_user(actor),
        )
        for _i in range(int(count))
    ]
    SurveyLink.objects.bulk_create(links)
    audit.record(
        AuditAction.ACTION,
        instance=evaluation,
        message=_("发放问卷链接%(n)s个（%(g)s）") % {"n": count, "g": RespondentGroup(group).label},
    )
    return links


def survey_link_open(token: str) -> SurveyLink | None:
    return (
        SurveyLink.objects.select_related("evaluation", "evaluation__cycle", "evaluation__station")
        .filter(token=token)
        .first()
    )


def survey_is_open(link: SurveyLink, today: date | None = None) -> bool:
    today = today or _today()
    ev = link.evaluation
    return (
        ev.status not in (EvaluationStatus.PUBLISHED,)
        and ev.cycle.opens_on <= today <= ev.cycle.scoring_due_on
    )


def survey_answer(
    *, token: str, answers: dict[str, object], comment: str = "", today: date | None = None
) -> SurveyResponse:
    """Record the one answer of a link (no account). Answered twice -> 409, nothing changed."""
    with transaction.atomic():
        link = (
            SurveyLink.objects.select_for_update()
            .select_related("evaluation", "evaluation__cycle")
            .filter(token=token)
            .first()
        )
        if link is None:
            from django.http import Http404

            raise Http404
        if link.answered_at or SurveyResponse.objects.filter(link=link).exists():
            raise Conflict(_(SURVEY_ANSWERED))
        if not survey_is_open(link, today):
            raise Conflict(_(SURVEY_CLOSED))
        clean, errors = {}, []
        low, high = SURVEY_SCALE
        questions = selectors.survey_questions(link.group)
        if not questions:
            raise Conflict(_(SURVEY_NO_QUESTIONS))
        for n, (key, text) in enumerate(questions, start=1):
            raw = answers.get(key)
            try:
                value = int(str(raw))
            except (TypeError, ValueError):
                value = None
            if value is None or not low <= value <= high:
                errors.append(_(SURVEY_MISSING_ANSWER) % {"n": n, "question": text})
                continue
            clean[key] = value
        if errors:
            raise ValidationError(errors)
        mean = rules.q2(Decimal(sum(clean.values())) / len(clean))
        response = SurveyResponse.objects.create(
            link=link,
            evaluation=link.evaluation,
            group=link.group,
            answers=clean,
            mean=mean,
            comment=(comment or "").strip()[:500],
        )
        link.answered_at = _now()
        link.save(update_fields=["answered_at"])
    return response


# --- reminders and escalation -------------------------------------------------------------------


def _current_evaluators(evaluations, on: date):
    """Evaluators assigned to one of ``evaluations`` by an assignment in force on ``on``, who
    still hold the evaluator role (an ended assignment or role hears nothing more)."""
    assigned = EvaluatorAssignment.objects.filter(
        active_assignment_q(on), evaluation__in=evaluations
    ).values("evaluator_id")
    return users_in_role(Role.EVALUATOR, on).filter(pk__in=assigned)


def _responsible(evaluations, role: str, on: date) -> list:
    """The users who answer through ``role`` on ``on`` for a station of ``evaluations``
    (``portal.selectors.users_responsible_for``: current role rows of active users only). For
    institution admins, the institution each evaluation names (the one evaluated), even when
    its contract has ended since; the station's operator on ``on`` when it names none."""
    rows = list(evaluations.order_by().values_list("station_id", "institution_id").distinct())
    institutions = None
    if role == Role.INSTITUTION_ADMIN:
        unnamed = [sid for sid, iid in rows if iid is None]
        institutions = {
            sid: set(ids)
            for sid, ids in operator_ids_by_station(station_ids=unnamed, on=on).items()
        }
        for sid, iid in rows:
            if iid is not None:
                institutions.setdefault(sid, set()).add(iid)
    by_station = users_responsible_for(
        {sid for sid, _iid in rows}, [role], on, institutions=institutions
    )
    return list({u.pk: u for users in by_station.values() for u in users}.values())


def reminders_send(*, cycle: Cycle, today: date | None = None) -> int:
    """Before each deadline remind only those who have not done their part; after it tell
    station -> institution -> district -> city, each level from its own day late: the
    ladders of the policy in force (``DeadlineKind.EVALUATION_SELF`` and
    ``EVALUATION_SCORING``, read by ``portal.rules``). Every level reached is told once (its
    dedupe key), so a missed daily run skips nobody and a repeated run posts nothing twice."""
    from django.urls import reverse

    from portal.services.notifications import notification_post

    today = today or _today()
    if cycle.status != CycleStatus.OPEN:
        return 0
    posted = 0
    url = reverse("evaluations:cycle_board", args=[cycle.pk])
    base = f"evaluations:{cycle.pk}"

    # Self-assessment: station managers whose evaluation is not submitted.
    pending_self = Evaluation.objects.filter(cycle=cycle, status=EvaluationStatus.NOT_STARTED)
    self_ladder = ladder_in_force(DeadlineKind.EVALUATION_SELF, today).as_rule()
    if deadlines.should_remind(today, cycle.self_due_on, self_ladder):
        managers = _responsible(pending_self, Role.STATION_MANAGER, today)
        posted += len(
            notification_post(
                recipients=managers,
                title=_("请在%(due)s前提交%(cycle)s自评")
                % {"due": cycle.self_due_on, "cycle": cycle.name},
                url=url,
                kind="evaluation",
                dedupe_key=f"{base}:self:remind",
            )
        )
    late = deadlines.days_late(today, cycle.self_due_on)
    for level in deadlines.levels_reached(late, self_ladder):
        posted += _escalate(cycle, "self", level, pending_self, url, today=today)

    # Scoring: evaluators, street/town and district officers with indicators still unscored.
    unscored = Evaluation.objects.filter(
        cycle=cycle, status__in=[EvaluationStatus.NOT_STARTED, EvaluationStatus.SUBMITTED]
    )
    scoring_ladder = ladder_in_force(DeadlineKind.EVALUATION_SCORING, today).as_rule()
    if deadlines.should_remind(today, cycle.scoring_due_on, scoring_ladder):
        tree = selectors.framework_tree(cycle.framework)
        leaves = tree.leaves_for(cycle.phase)
        scorers = {lf.scorer for lf in leaves}
        evaluators = _current_evaluators(unscored, today)
        posted += len(
            notification_post(
                recipients=evaluators,
                title=_("请在%(due)s前完成%(cycle)s评分")
                % {"due": cycle.scoring_due_on, "cycle": cycle.name},
                url=url,
                kind="evaluation",
                dedupe_key=f"{base}:scoring:remind",
            )
        )
        for scorer, role in (
            (Scorer.PURCHASER, Role.SUBDISTRICT_OFFICER),
            (Scorer.SUPERVISOR, Role.DISTRICT_OFFICER),
        ):
            if scorer not in scorers:
                continue
            leaf_ids = [lf.id for lf in leaves if lf.scorer == scorer]
            lacking = unscored.exclude(
                pk__in=Score.objects.filter(evaluation__cycle=cycle, node_id__in=leaf_ids).values(
                    "evaluation_id"
                )
            )
            who = _responsible(lacking, role, today)
            posted += len(
                notification_post(
                    recipients=who,
                    title=_("请在%(due)s前完成%(cycle)s的%(part)s评分")
                    % {
                        "due": cycle.scoring_due_on,
                        "cycle": cycle.name,
                        "part": Scorer(scorer).label,
                    },
                    url=url,
                    kind="evaluation",
                    dedupe_key=f"{base}:{scorer}:remind",
                )
            )
    late = deadlines.days_late(today, cycle.scoring_due_on)
    for level in deadlines.levels_reached(late, scoring_ladder):
        posted += _escalate(cycle, "scoring", level, unscored, url, today=today)
    return posted


def _escalate(
    cycle: Cycle, stage: str, level: int, pending, url: str, *, today: date | None = None
) -> int:
    """Level 1 station managers, 2 institution admins, 3 district officers, 4 city officers;
    each level tells its own people how many of theirs are late, and which (one message per
    level and person, its text from ``_escalation_bodies``)."""
    from portal.services.notifications import notification_post

    today = today or _today()
    if not pending.exists():
        return 0
    stage_label = _("自评") if stage == "self" else _("评分")
    title = _("%(cycle)s%(stage)s已逾期，请尽快处理") % {"cycle": cycle.name, "stage": stage_label}
    key = f"evaluations:{cycle.pk}:{stage}:esc{level}"
    if level == LadderLevel.STATION and stage != "self":
        # Scoring is the evaluators' part: the first level tells them, not the station.
        who = _current_evaluators(pending, today)
    else:
        who = _responsible(pending, LEVEL_ROLES[level], today)
    posted = 0
    for body, recipients in _escalation_bodies(who, pending, level=level, dedupe_key=key).items():
        posted += len(
            notification_post(
                recipients=recipients,
                title=title,
                body=body,
                url=url,
                kind="evaluation",
                dedupe_key=key,
            )
        )
    return posted


def _escalation_bodies(recipients, pending, *, level: int, dedupe_key: str) -> dict[str, list]:
    """Each recipient's notice text -> the recipients it goes to.

    A notice counts and names the late evaluations within the recipient's own scope (the one
    scoping path, ``Evaluation.objects.restrict``): an institution admin hears of their
    stations, a district officer of their district's, the city of all. A recipient with
    none in scope is told nothing, and one who already has this notice is not counted again.
    """
    from portal.models import Notification

    users = list(recipients)
    done = set(
        Notification.objects.filter(recipient__in=users, dedupe_key=dedupe_key).values_list(
            "recipient_id", flat=True
        )
    )
    late_ids = pending.values("pk")
    bodies: dict[str, list] = {}
    for user in users:
        if user.pk in done:
            continue
        mine = Evaluation.objects.restrict(user, VIEW).filter(pk__in=late_ids)
        n = mine.count()
        if not n:
            continue
        names = list(
            mine.order_by("station__code").values_list("station__name", flat=True)[
                :ESCALATION_LIST_MAX
            ]
        )
        message = ESCALATION_NOTICE_MORE if n > len(names) else ESCALATION_NOTICE
        body = _(message) % {"n": n, "level": level, "stations": "、".join(names)}
        bodies.setdefault(body, []).append(user)
    return bodies


def reminders_send_all(*, today: date | None = None) -> int:
    return sum(
        reminders_send(cycle=c, today=today) for c in Cycle.objects.filter(status=CycleStatus.OPEN)
    )
