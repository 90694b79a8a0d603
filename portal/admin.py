"""Django admin, scoped like everything else (DESIGN.md section 6).

Every ModelAdmin of the portal subclasses ``ScopedAdmin``: its rows come from
``Model.objects.restrict(request.user, "view")``, its foreign-key choices from ``restrict`` too,
and what it may add, change or delete from the model's ``scope_actions``. The scope-walker test
(tests/test_scope_walk.py) fails for any registered admin that is not a ``ScopedAdmin``.

Third-party models (sign-in attempts, TOTP devices, API tokens) have no scope; their admins are
wrapped in ``CityAdminOnlyAdmin`` so only the city admin sees them.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from portal.choices import Role
from portal.models import AuditEvent, Notification, PolicyVersion, RoleAssignment, User
from portal.scoping import ADD, CHANGE, DELETE, VIEW, roles_allowed, user_may

admin.site.site_header = _("广州市社工服务站管理平台 · 后台")
admin.site.site_title = _("平台后台")
admin.site.index_title = _("数据管理")


class ScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose rows, choices and permissions all come from the scoping path."""

    scoped = True

    def get_queryset(self, request):
        qs = self.model.objects.restrict(request.user, VIEW)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def _may(self, request, action: str, obj=None) -> bool:
        if not roles_allowed(request.user, self.model, action):
            return False
        return obj is None or user_may(request.user, action, obj)

    def has_module_permission(self, request):
        return self._may(request, VIEW)

    def has_view_permission(self, request, obj=None):
        return self._may(request, VIEW, obj)

    def has_add_permission(self, request):
        return self._may(request, ADD)

    def has_change_permission(self, request, obj=None):
        return self._may(request, CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, DELETE, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if "queryset" not in kwargs and hasattr(related.objects, "restrict"):
            kwargs["queryset"] = related.objects.restrict(request.user, VIEW)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if "queryset" not in kwargs and hasattr(related.objects, "restrict"):
            kwargs["queryset"] = related.objects.restrict(request.user, VIEW)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class CityAdminOnlyAdmin(ScopedAdmin):
    """For models without a scope of their own: the city admin only, everyone else nothing."""

    def get_queryset(self, request):
        qs = self.model._default_manager.get_queryset()
        if not request.user.is_active or not request.user.has_role(Role.CITY_ADMIN):
            return qs.none()
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def _may(self, request, action: str, obj=None) -> bool:
        return bool(
            request.user.is_active
            and request.user.is_authenticated
            and request.user.has_role(Role.CITY_ADMIN)
        )


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = [
        "role",
        "district",
        "subdistrict",
        "institution",
        "station",
        "starts_on",
        "ends_on",
        "note",
    ]

    def get_queryset(self, request):
        return RoleAssignment.objects.restrict(request.user, VIEW)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if hasattr(related.objects, "restrict"):
            kwargs["queryset"] = related.objects.restrict(request.user, VIEW)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class PortalUserAdmin(ScopedAdmin, UserAdmin):
    list_display = ["username", "display_name", "email", "is_active", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("资料"), {"fields": ("display_name", "email", "phone", "organisation")}),
        (_("状态"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    list_display = [
        "user",
        "role",
        "district",
        "subdistrict",
        "institution",
        "station",
        "starts_on",
        "ends_on",
    ]
    list_filter = ["role"]
    list_select_related = ["user", "district", "subdistrict", "institution", "station"]
    search_fields = ["user__username", "user__display_name"]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ScopedAdmin):
    list_display = ["name", "effective_from", "standard_annual_fee", "personnel_floor_percent"]
    ordering = ["-effective_from"]

    def has_change_permission(self, request, obj=None):
        # A version in force or past is frozen (portal.services.policy).
        from portal.services.policy import is_frozen

        if obj is not None and is_frozen(obj):
            return False
        return super().has_change_permission(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedAdmin):
    """Read-only: the trail is never added to, changed or deleted by hand."""

    list_display = [
        "at",
        "actor_name",
        "action",
        "outcome",
        "object_type",
        "object_id",
        "object_repr",
        "ip_address",
    ]
    list_filter = ["action", "outcome"]
    search_fields = ["actor_name", "object_type", "object_id", "object_repr", "message"]
    date_hierarchy = "at"
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ScopedAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_select_related = ["recipient"]


def wrap_unscoped_admins(site: admin.AdminSite) -> None:
    """Make the admins registered by third-party apps city-admin-only ScopedAdmins."""
    if site.is_registered(Group):
        # Roles are role assignments; Django's groups and permissions are not used.
        site.unregister(Group)
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ScopedAdmin):
            continue
        if hasattr(getattr(model, "objects", None), "restrict"):
            # A portal model registered without ScopedAdmin: leave it for the walker to catch.
            continue
        cls = type(model_admin)
        wrapped = type(f"CityAdminOnly{cls.__name__}", (CityAdminOnlyAdmin, cls), {})
        site.unregister(model)
        site.register(model, wrapped)


wrap_unscoped_admins(admin.site)
