from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.choices import Role
from portal.scoping import Scope, ScopedManager, ScopedModel, ScopedQuerySet
from portal.versioning import VersionedModel
from stations.choices import (
    BINDING_CONTRACT_STATUSES,
    CommunityKind,
    ContractStatus,
    CreditListKind,
    InstitutionRating,
    InstitutionStatus,
    ManagementMode,
    StationStatus,
    SubdistrictKind,
)

REFERENCE_ACTIONS = {
    "view": frozenset(Role),
    "add": frozenset({Role.CITY_ADMIN}),
    "change": frozenset({Role.CITY_ADMIN}),
    "delete": frozenset({Role.CITY_ADMIN}),
}
# The city admin edits everywhere, district officers within their district; others read.
REGISTRY_ACTIONS = {
    "view": frozenset(Role),
    "add": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER}),
    "change": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER}),
    "delete": frozenset({Role.CITY_ADMIN}),
}


class District(ScopedModel):
    """区 (district): one of Guangzhou's 11, by GB/T 2260 code."""

    code = models.CharField(
        _("区划代码"), max_length=6, unique=True, validators=[RegexValidator(r"^\d{6}$")]
    )
    name = models.CharField(_("名称"), max_length=40)

    scope = Scope(public=True)
    scope_actions = REFERENCE_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("区")
        verbose_name_plural = _("区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Subdistrict(ScopedModel):
    """镇街 (street or town): where stations are set up; the purchaser of their projects."""

    code = models.CharField(
        _("区划代码"), max_length=9, unique=True, validators=[RegexValidator(r"^\d{9}$")]
    )
    name = models.CharField(_("名称"), max_length=40)
    kind = models.CharField(_("类型"), max_length=10, choices=SubdistrictKind.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="subdistricts", verbose_name=_("区")
    )

    scope = Scope(public=True)
    scope_actions = REFERENCE_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("镇街")
        verbose_name_plural = _("镇街")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Community(ScopedModel):
    """村居 (village or residents' committee): the communities a station serves."""

    code = models.CharField(
        _("区划代码"), max_length=12, unique=True, validators=[RegexValidator(r"^\d{12}$")]
    )
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=10, choices=CommunityKind.choices)
    subdistrict = models.ForeignKey(
        Subdistrict, on_delete=models.PROTECT, related_name="communities", verbose_name=_("镇街")
    )

    scope = Scope(public=True)
    scope_actions = REFERENCE_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("村居")
        verbose_name_plural = _("村居")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Institution(VersionedModel, ScopedModel):
    """社会工作服务机构 / 承接机构 (institution): the NGO that runs stations under contract.

    Registration data is public information, so every signed-in user may view institutions.
    """

    name = models.CharField(_("机构名称"), max_length=120, unique=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    # GB 32100 check failed but a city admin confirmed the code is real (RULES.md).
    credit_code_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("信用代码确认人"),
    )
    credit_code_confirmed_at = models.DateTimeField(_("信用代码确认时间"), null=True, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=40, blank=True)
    registration_authority = models.CharField(_("登记管理机关"), max_length=80, blank=True)
    registered_on = models.DateField(_("登记日期"), null=True, blank=True)
    rating = models.CharField(
        _("社会组织等级"),
        max_length=4,
        choices=InstitutionRating.choices,
        default=InstitutionRating.NONE,
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=InstitutionStatus.choices,
        default=InstitutionStatus.ACTIVE,
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = Scope(public=True)
    scope_actions = {
        "view": frozenset(Role),
        "add": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER}),
        "change": frozenset({Role.CITY_ADMIN}),
        "delete": frozenset({Role.CITY_ADMIN}),
    }
    objects = ScopedManager()

    class Meta:
        verbose_name = _("承接机构")
        verbose_name_plural = _("承接机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CreditRecord(VersionedModel, ScopedModel):
    """信用记录: an institution's listing (abnormal operation, serious dishonesty) or penalty."""

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="credit_records",
        verbose_name=_("承接机构"),
    )
    kind = models.CharField(_("类别"), max_length=30, choices=CreditListKind.choices)
    listed_on = models.DateField(_("列入日期"))
    authority = models.CharField(_("决定机关"), max_length=80, blank=True)
    reason = models.CharField(_("原因"), max_length=300)
    lifted_on = models.DateField(_("移出日期"), null=True, blank=True)

    scope = Scope(public=True)
    scope_actions = REFERENCE_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-listed_on"]
        constraints = [
            models.CheckConstraint(
                name="stations_creditrecord_lifted_after_listed",
                condition=Q(lifted_on__isnull=True) | Q(lifted_on__gte=models.F("listed_on")),
                violation_error_message=_("移出日期不能早于列入日期。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.get_kind_display()}"


class Station(VersionedModel, ScopedModel):
    """社工服务站 / 家庭综合服务中心 (station): a social-work service station project site."""

    code = models.CharField(_("站点编号"), max_length=20, unique=True)
    name = models.CharField(_("站点名称"), max_length=120)
    subdistrict = models.ForeignKey(
        Subdistrict, on_delete=models.PROTECT, related_name="stations", verbose_name=_("镇街")
    )
    # Denormalised from the street/town for scoping and filtering at scale; kept in step by
    # Station.save() (a station never moves between districts without a new code).
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="stations",
        verbose_name=_("区"),
        editable=False,
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    head_name = models.CharField(_("站长"), max_length=40, blank=True)
    head_title = models.CharField(
        _("站长职务"),
        max_length=60,
        blank=True,
        help_text=_("试点模式下由镇社会事务办主任担任站长。"),
    )
    deputy_head_name = models.CharField(_("副站长"), max_length=40, blank=True)
    management_mode = models.CharField(
        _("管理模式"),
        max_length=16,
        choices=ManagementMode.choices,
        default=ManagementMode.STANDARD,
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=StationStatus.choices, default=StationStatus.ACTIVE
    )
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    communities = models.ManyToManyField(
        Community, blank=True, related_name="stations", verbose_name=_("服务村居")
    )
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = Scope(station="pk", subdistrict="subdistrict", district="district", via_assignment=True)
    scope_actions = REGISTRY_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("社工站")
        verbose_name_plural = _("社工站")
        ordering = ["code"]
        indexes = [models.Index(fields=["district", "code"], name="stations_station_dist_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.subdistrict_id and (
            not self.district_id or self.subdistrict.district_id != self.district_id
        ):
            self.district_id = self.subdistrict.district_id
        super().save(*args, **kwargs)


class Outpost(VersionedModel, ScopedModel):
    """社工点 (outpost): a station's point in one of its villages/communities."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="outposts", verbose_name=_("社工站")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="outposts", verbose_name=_("村居")
    )
    name = models.CharField(_("名称"), max_length=120)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opened_on = models.DateField(_("设立日期"), null=True, blank=True)
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)

    scope = Scope(
        station="station",
        subdistrict="station__subdistrict",
        district="station__district",
        via_assignment=True,
    )
    scope_actions = REGISTRY_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("社工点")
        verbose_name_plural = _("社工点")
        ordering = ["station_id", "name"]

    def __str__(self) -> str:
        return self.name


class ProjectKind(ScopedModel):
    """项目类型: the comprehensive station project or one of the special project kinds."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    is_comprehensive = models.BooleanField(_("综合项目"), default=False)
    active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    scope = Scope(public=True)
    scope_actions = REFERENCE_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("项目类型")
        verbose_name_plural = _("项目类型")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_comprehensive"],
                condition=Q(is_comprehensive=True),
                name="stations_projectkind_one_comprehensive",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ContractQuerySet(ScopedQuerySet):
    def binding(self):
        """Signed contracts, and terminated ones for the period they ran."""
        return self.filter(status__in=BINDING_CONTRACT_STATUSES)

    def in_force(self, on):
        """Contracts in force on ``on``: binding, and the date inside their period.

        A terminated contract's ``ends_on`` is its last day of service, so it stays the answer
        for the days it ran (scores and findings of that period belong to its institution).
        """
        return self.filter(status__in=BINDING_CONTRACT_STATUSES, starts_on__lte=on, ends_on__gte=on)


class Contract(VersionedModel, ScopedModel):
    """购买服务合同 (service contract): a station project bought from an institution.

    Signed one service year at a time (commonly three in a row). A station has at most one
    comprehensive contract in force on any day; PostgreSQL enforces it with an exclusion
    constraint (migrations 0002, 0005) and the service explains a conflict first.
    """

    code = models.CharField(_("合同编号"), max_length=40, unique=True)
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("社工站")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("承接机构")
    )
    purchaser = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("购买方（镇街）"),
    )
    kind = models.ForeignKey(
        ProjectKind, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("项目类型")
    )
    # Copied from kind so the database constraint can see it.
    is_comprehensive = models.BooleanField(default=True, editable=False)
    service_year = models.PositiveSmallIntegerField(_("服务年度"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    annual_fee = models.DecimalField(
        _("年度项目经费（元）"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.SIGNED
    )
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    policy_version = models.ForeignKey(
        "portal.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("适用政策版本"),
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)
    # Ended early: ``ends_on`` becomes the last day served; the planned end is kept here.
    planned_ends_on = models.DateField(_("原定结束日期"), null=True, blank=True)
    termination_reason = models.CharField(_("终止原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = Scope(
        station="station",
        subdistrict="station__subdistrict",
        district="station__district",
        institution="institution",
        via_assignment=True,
    )
    scope_actions = REGISTRY_ACTIONS
    objects = ScopedManager.from_queryset(ContractQuerySet)()

    class Meta:
        verbose_name = _("服务合同")
        verbose_name_plural = _("服务合同")
        ordering = ["-starts_on", "code"]
        indexes = [
            models.Index(
                fields=["station", "starts_on", "ends_on"], name="stations_contract_period"
            ),
            models.Index(fields=["institution", "status"], name="stations_contract_inst_idx"),
            # The contract list's default order; unindexed it sorts 360,000 rows at nation scale.
            models.Index(fields=["-starts_on", "code"], name="stations_contract_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="stations_contract_period_ordered",
                condition=Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
            models.CheckConstraint(
                name="stations_contract_fee_positive",
                condition=Q(annual_fee__gt=0),
                violation_error_message=_("年度项目经费必须大于0。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}"

    def save(self, *args, **kwargs):
        if self.kind_id:
            self.is_comprehensive = self.kind.is_comprehensive
        super().save(*args, **kwargs)
