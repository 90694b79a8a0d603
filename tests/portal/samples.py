"""Samples of the portal's scoped models for the scope walk (tests/samples.py)."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token, TokenProxy

from portal.choices import AuditAction, Role
from portal.models import AuditEvent, Notification, RoleAssignment, User
from tests.factories import user_with_role
from tests.samples import MARK, helper, register, sample


def assigned_evaluator(world) -> User:
    """The evaluator district A's samples are assigned to (``world.evaluator`` is not)."""
    return helper(
        world, "evaluator_a", lambda: user_with_role("sample_evaluator_a", Role.EVALUATOR)
    )


def assigned_inspector(world) -> User:
    """The inspector on district A's sample visit (``world.inspector`` is not)."""
    return helper(
        world, "inspector_a", lambda: user_with_role("sample_inspector_a", Role.INSPECTOR)
    )


@register(User)
def user(world) -> User:
    person = user_with_role("sample_a1_staff", Role.STATION_MANAGER, station=world.station_a1)
    person.display_name = f"{MARK}用户"
    person.save(update_fields=["display_name"])
    return person


@register(RoleAssignment)
def role_assignment(world) -> RoleAssignment:
    return sample(world, User).role_assignments.get()


@register(Notification)
def notification(world) -> Notification:
    return Notification.objects.create(
        recipient=world.station_a1_manager,
        kind="general",
        title=f"{MARK}通知：{world.station_a1.name}",
        body=f"{MARK}通知正文",
    )


@register(AuditEvent)
def audit_event(world) -> AuditEvent:
    station = world.station_a1
    return AuditEvent.objects.create(
        actor_id=world.station_a1_manager.pk,
        actor_name=f"{MARK}操作人",
        action=AuditAction.UPDATE,
        object_type="stations.station",
        object_id=str(station.pk),
        object_repr=station.name,
        message=f"{MARK}审计",
        ip_address="10.1.1.1",
        station_id=station.pk,
        subdistrict_id=station.subdistrict_id,
        district_id=station.district_id,
        institution_id=world.institution_a.pk,
    )


# Third-party rows with no scope of their own: only the city admin sees them (portal.admin
# CityAdminOnlyAdmin). The admin's pages about them are walked like every other object page.


@register(TokenProxy)
def api_token(world) -> TokenProxy:
    token = Token.objects.create(user=world.station_a1_manager)
    return TokenProxy.objects.get(pk=token.pk)


@register(TOTPDevice)
def totp_device(world) -> TOTPDevice:
    return TOTPDevice.objects.create(user=world.station_a1_manager, name=f"{MARK}手机")


def _access(model):
    def build(world):
        # Of a user who never signs in during the walk: a sign-in resets the user's attempts.
        return model.objects.create(
            user_agent="walk",
            ip_address="10.1.1.1",
            username=sample(world, User).username,
            http_accept="text/html",
            path_info="/accounts/login/",
            **(
                {"get_data": "", "post_data": "", "failures_since_start": 1}
                if model is AccessAttempt
                else {}
            ),
        )

    return build


register(AccessAttempt)(_access(AccessAttempt))
register(AccessLog)(_access(AccessLog))
register(AccessFailureLog)(_access(AccessFailureLog))
