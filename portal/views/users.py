"""User and role-assignment management pages: the city admin's tool (User.scope_actions)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from portal import audit, clock
from portal.choices import Role
from portal.errors import Conflict
from portal.filtersets import UserFilterSet, in_force_today
from portal.forms.base import apply_errors
from portal.forms.users import (
    PasswordResetForm,
    RoleAssignmentEndForm,
    RoleAssignmentForm,
    UserCreateForm,
    UserUpdateForm,
)
from portal.models import RoleAssignment, User
from portal.scoping import VIEW
from portal.services import security
from portal.services import users as services
from portal.versioning import VERSION_FIELD, add_version_field, versioned_write
from portal.views.listing import FilteredListMixin
from portal.views.mixins import RoleRequiredMixin

ANCHORS = ("district", "subdistrict", "institution", "station")
HISTORY_ROWS = 20


class UserAdminMixin(RoleRequiredMixin):
    """Pages of the city admin; objects come from restrict(), 404 outside it."""

    roles = frozenset({Role.CITY_ADMIN})
    model = User

    def users(self):
        return User.objects.restrict(self.request.user, VIEW)

    def get_user(self) -> User:
        return get_object_or_404(self.users(), pk=self.kwargs["pk"])

    def assignments(self):
        return RoleAssignment.objects.restrict(self.request.user, VIEW).select_related(
            "user", *ANCHORS
        )


class UserListView(UserAdminMixin, FilteredListMixin, ListView):
    template_name = "portal/manage/user_list.html"
    filterset_class = UserFilterSet
    # Class attributes are built once at import: lazy, so each request gets its own language.
    sort_columns = (
        ("username", gettext_lazy("用户名")),
        ("display_name", gettext_lazy("姓名")),
        ("last_login", gettext_lazy("最近登录")),
        ("date_joined", gettext_lazy("创建时间")),
    )
    export_stem = gettext_lazy("用户")

    def base_queryset(self):
        current = self.assignments().filter(in_force_today()).order_by("role")
        return self.users().prefetch_related(
            Prefetch("role_assignments", queryset=current, to_attr="current_assignments")
        )

    def export_headers(self):
        return [
            _("用户名"),
            _("姓名"),
            _("电子邮箱"),
            _("手机号"),
            _("所在单位"),
            _("当前角色"),
            _("启用"),
            _("最近登录"),
            _("创建时间"),
        ]

    def export_rows(self, queryset):
        for user in queryset:
            yield [
                user.username,
                user.display_name,
                user.email,
                user.phone,
                user.organisation,
                "；".join(str(a) for a in user.current_assignments),
                user.is_active,
                user.last_login,
                user.date_joined,
            ]


def _password_page(request, user, password, *, created: bool):
    """The one time a generated password is shown. Not redirected, so it is never stored."""
    response = render(
        request,
        "portal/manage/user_password_shown.html",
        {"target": user, "password": password, "created": created},
    )
    response["Cache-Control"] = "no-store"
    return response


class UserCreateView(UserAdminMixin, View):
    template_name = "portal/manage/user_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": UserCreateForm(), "creating": True})

    def post(self, request):
        form = UserCreateForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            password = data.pop("password") or ""
            generated = not password
            if generated:
                password = services.password_generate()
            try:
                user = services.user_create(actor=request.user, password=password, **data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if generated:
                    return _password_page(request, user, password, created=True)
                messages.success(request, _("已创建用户%(u)s。") % {"u": user.username})
                return redirect("manage:user_detail", pk=user.pk)
        return render(request, self.template_name, {"form": form, "creating": True}, status=400)


def unlock_url(user) -> str:
    """The security app's unlock action for ``user``, if that app is installed."""
    try:
        return reverse("security:unlock", kwargs={"pk": user.pk})
    except NoReverseMatch:
        return ""


class UserDetailView(UserAdminMixin, DetailView):
    template_name = "portal/manage/user_detail.html"
    context_object_name = "target"

    def get_object(self, queryset=None):
        return self.get_user()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        target = self.object
        context["assignments"] = (
            self.assignments().filter(user=target).order_by("-ends_on", "role", "-id")
        )
        context["role_form"] = RoleAssignmentForm(actor=self.request.user, target=target)
        # The unlock action only while the account is locked; the page says until when.
        locked_until = security.lockout_ends_at(target.get_username())
        context["locked_until"] = timezone.localtime(locked_until) if locked_until else None
        context["unlock_url"] = unlock_url(target) if locked_until else ""
        # The user's own history; the trail rows are themselves restricted to the viewer.
        context["history"] = audit.history(target).restrict(self.request.user, VIEW)[:HISTORY_ROWS]
        return context


class UserUpdateView(UserAdminMixin, View):
    template_name = "portal/manage/user_form.html"

    def get(self, request, pk):
        target = self.get_user()
        form = add_version_field(UserUpdateForm(instance=target), target)
        return render(request, self.template_name, {"form": form, "target": target})

    def post(self, request, pk):
        target = self.get_user()
        form = add_version_field(UserUpdateForm(request.POST, instance=target), target)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                with versioned_write(target, data.pop(VERSION_FIELD, None)):
                    services.user_update(actor=request.user, user=target, **data)
            except ValidationError as exc:
                apply_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
                context = {"form": form, "target": target}
                return render(request, self.template_name, context, status=409)
            else:
                messages.success(request, _("已保存用户%(u)s的资料。") % {"u": target.username})
                return redirect("manage:user_detail", pk=target.pk)
        return render(request, self.template_name, {"form": form, "target": target}, status=400)


class UserDeactivateView(UserAdminMixin, View):
    def post(self, request, pk):
        target = self.get_user()
        try:
            services.user_deactivate(actor=request.user, user=target)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("已停用用户%(u)s，其历史记录保留。") % {"u": target.username}
            )
        return redirect("manage:user_detail", pk=target.pk)


class UserReactivateView(UserAdminMixin, View):
    def post(self, request, pk):
        target = self.get_user()
        services.user_reactivate(actor=request.user, user=target)
        messages.success(request, _("已重新启用用户%(u)s。") % {"u": target.username})
        return redirect("manage:user_detail", pk=target.pk)


class UserPasswordView(UserAdminMixin, View):
    template_name = "portal/manage/user_password.html"

    def get(self, request, pk):
        target = self.get_user()
        return render(request, self.template_name, {"form": PasswordResetForm(), "target": target})

    def post(self, request, pk):
        target = self.get_user()
        form = PasswordResetForm(request.POST)
        if form.is_valid():
            password = form.cleaned_data["password"]
            generated = not password
            if generated:
                password = services.password_generate()
            try:
                services.user_set_password(actor=request.user, user=target, password=password)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if generated:
                    return _password_page(request, target, password, created=False)
                messages.success(request, _("已重置用户%(u)s的密码。") % {"u": target.username})
                return redirect("manage:user_detail", pk=target.pk)
        return render(request, self.template_name, {"form": form, "target": target}, status=400)


class RoleAssignmentCreateView(UserAdminMixin, View):
    """Add a role to the user ``pk`` (the form is also on the user page)."""

    template_name = "portal/manage/role_form.html"

    def get(self, request, pk):
        target = self.get_user()
        form = RoleAssignmentForm(actor=request.user, target=target)
        return render(request, self.template_name, {"form": form, "target": target})

    def post(self, request, pk):
        target = self.get_user()
        form = RoleAssignmentForm(request.POST, actor=request.user, target=target)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                assignment = services.role_assignment_create(
                    actor=request.user, user=target, **data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("已为%(u)s添加角色：%(r)s。") % {"u": target.username, "r": assignment},
                )
                return redirect("manage:user_detail", pk=target.pk)
        return render(request, self.template_name, {"form": form, "target": target}, status=400)


class RoleAssignmentMixin(UserAdminMixin):
    model = RoleAssignment

    def get_assignment(self) -> RoleAssignment:
        return get_object_or_404(self.assignments(), pk=self.kwargs["pk"])


class RoleAssignmentEndView(RoleAssignmentMixin, View):
    template_name = "portal/manage/role_end.html"

    def get(self, request, pk):
        assignment = self.get_assignment()
        initial = {"ends_on": assignment.ends_on or clock.today()}
        form = add_version_field(RoleAssignmentEndForm(initial=initial), assignment)
        return render(request, self.template_name, {"form": form, "assignment": assignment})

    def post(self, request, pk):
        assignment = self.get_assignment()
        form = add_version_field(RoleAssignmentEndForm(request.POST), assignment)
        if form.is_valid():
            try:
                with versioned_write(assignment, form.cleaned_data.get(VERSION_FIELD)):
                    services.role_assignment_end(
                        actor=request.user,
                        assignment=assignment,
                        ends_on=form.cleaned_data["ends_on"],
                    )
            except ValidationError as exc:
                apply_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
                context = {"form": form, "assignment": assignment}
                return render(request, self.template_name, context, status=409)
            else:
                messages.success(request, _("已设置角色截止日期：%(r)s。") % {"r": assignment})
                return redirect("manage:user_detail", pk=assignment.user_id)
        return render(
            request, self.template_name, {"form": form, "assignment": assignment}, status=400
        )


class RoleAssignmentDeleteView(RoleAssignmentMixin, View):
    template_name = "portal/manage/role_delete.html"

    def get(self, request, pk):
        return render(request, self.template_name, {"assignment": self.get_assignment()})

    def post(self, request, pk):
        assignment = self.get_assignment()
        user_id = assignment.user_id
        label = str(assignment)
        try:
            services.role_assignment_delete(actor=request.user, assignment=assignment)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已移除角色：%(r)s。") % {"r": label})
        return redirect("manage:user_detail", pk=user_id)
