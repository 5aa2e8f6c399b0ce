"""Writes to roles."""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lms import permissions
from lms.models import RoleAssignment, RoleChange, User
from lms.models.users import Role

EDITORS_GROUP = "Editors"
BATCH_SIZE = 1000
OFFICIALS_GROUP = "Officials"


def _role_scope(*, user, role, team, commune, province) -> dict:
    if role not in Role.values:
        raise ValidationError(_("Unknown role."), code="unknown_role")
    return {
        "user": user,
        "role": role,
        "team": team,
        "commune": commune,
        "province": province,
    }


def _check_manager(by: User | None, scope: dict) -> None:
    if by is None:
        return
    if not permissions.may_manage_role(
        by,
        role=scope["role"],
        team=scope["team"],
        commune=scope["commune"],
        province=scope["province"],
    ):
        raise ValidationError(
            _(
                "You can only give or withdraw this role in the places you cover "
                "(content editors: administrators only)."
            ),
            code="not_allowed",
        )


def _change(
    *,
    action: str,
    scope: dict,
    by: User | None,
    via: str | None,
    link_user: bool = True,
) -> RoleChange:
    """The record of one grant or withdrawal, not saved yet."""
    team, commune, province = scope["team"], scope["commune"], scope["province"]
    if team is not None:
        commune = team.commune
    if commune is not None:
        province = commune.province
    change = RoleChange(
        action=action,
        role=scope["role"],
        user=scope["user"] if link_user else None,
        user_name=scope["user"].display_name,
        team=team,
        team_name=team.name if team is not None else "",
        commune=commune,
        province=province,
        by=by,
        by_name=by.display_name if by is not None else "",
        via=via or (RoleChange.Via.ADMIN if by else RoleChange.Via.COMMAND),
    )
    change.normalise()
    return change


def _record(**change) -> None:
    _change(**change).save()


def _officials_group() -> Group:
    """The group whose only permission opens the Wagtail admin to officials."""
    try:
        with transaction.atomic():
            group, _created = Group.objects.get_or_create(name=OFFICIALS_GROUP)
    except IntegrityError:
        group = Group.objects.get(name=OFFICIALS_GROUP)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    return group


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: str,
    team=None,
    commune=None,
    province=None,
    by: User | None,
    via: str | None = None,
    organisation: str = "",
) -> RoleAssignment:
    """Give ``user`` a role with its scope (idempotent), on the record.

    ``organisation`` says where a team leader or member comes from (youth union,
    police…); granting the role again with another one changes only that.

    ``by`` is the person acting; they must cover the scope
    (:func:`lms.permissions.may_manage_role`). ``by=None`` is the server's command
    line (``manage.py grant_role``, data loaders), which needs no account: that is
    how a new site gets its first official. A grant that changes something adds a
    :class:`~lms.models.RoleChange`; granting a role already held changes nothing.

    Access to the Wagtail admin follows the roles: commune and province officials
    and team leaders join the "Officials" group, whose only permission is
    ``wagtailadmin.access_admin`` (what they may see and do inside is decided by
    their roles, in ``lms/permissions.py``, not by group permissions); content
    editors join Wagtail's "Editors" group and get staff status.
    :func:`role_withdraw` takes the group away with the last such role.

    Raises ``ValidationError`` for an unknown role, a scope that does not fit the
    role, or a scope ``by`` does not cover.
    """
    scope = _role_scope(
        user=user, role=role, team=team, commune=commune, province=province
    )
    _check_manager(by, scope)
    assignment = RoleAssignment.objects.filter(**scope).first()
    if (
        assignment is not None
        and organisation
        and assignment.organisation != organisation
    ):
        assignment.organisation = organisation
        assignment.save(update_fields=["organisation"])
    if assignment is None:
        assignment = RoleAssignment(**scope, organisation=organisation)
        assignment.full_clean()
        try:
            with transaction.atomic():
                assignment.save()
        except IntegrityError:
            # Two taps at once: the other request granted it and recorded it.
            return RoleAssignment.objects.get(**scope)
        _record(action=RoleChange.Action.GRANTED, scope=scope, by=by, via=via)
        permissions.reach_forget(user)
    if role in permissions.ADMIN_ROLES:
        user.groups.add(_officials_group())
    if role == Role.CONTENT_EDITOR:
        group = Group.objects.filter(name=EDITORS_GROUP).first()
        if group:
            user.groups.add(group)
        # Staff status only switches on the editing toolbar on public pages.
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return assignment


# Roles without a scope that open no screens: the ones given to many people at
# once, as when an agency's staff roster is imported.
MANY_AT_ONCE_ROLES = (Role.RESIDENT, Role.CIVIL_SERVANT)


@transaction.atomic
def role_grant_many(
    *, users, role: str, by: User | None, via: str | None = None
) -> list[User]:
    """Give each of ``users`` an unscoped role that opens no screens (resident,
    civil servant), on the record, in a few queries whatever their number.

    What :func:`role_grant` does for each of them: someone who holds the role
    already keeps it unchanged and nothing is recorded; everyone else gets it and
    a :class:`~lms.models.RoleChange`. Returns the people who were given it.
    Raises ``ValidationError`` for another role, or a ``by`` who may not give it
    (as for :func:`role_grant`: the server, ``by=None``, and superusers may). A
    grant of the same role to one of them at the same moment makes this one fail
    on the unique constraint, in the caller's transaction.
    """
    if role not in MANY_AT_ONCE_ROLES:
        raise ValidationError(
            _("This role cannot be given to many people at once."), code="not_many"
        )
    scope = _role_scope(user=None, role=role, team=None, commune=None, province=None)
    _check_manager(by, scope)
    people = list({user.pk: user for user in users}.values())
    ids = [user.pk for user in people]
    held = set()
    for start in range(0, len(ids), BATCH_SIZE):
        held.update(
            RoleAssignment.objects.filter(
                user_id__in=ids[start : start + BATCH_SIZE],
                role=role,
                team=None,
                commune=None,
                province=None,
            ).values_list("user_id", flat=True)
        )
    given = [user for user in people if user.pk not in held]
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=role) for user in given],
        batch_size=BATCH_SIZE,
    )
    RoleChange.objects.bulk_create(
        [
            _change(
                action=RoleChange.Action.GRANTED,
                scope={**scope, "user": user},
                by=by,
                via=via,
            )
            for user in given
        ],
        batch_size=BATCH_SIZE,
    )
    for user in given:
        permissions.reach_forget(user)
    return given


@transaction.atomic
def role_withdraw(
    *,
    user: User,
    role: str,
    team=None,
    commune=None,
    province=None,
    by: User | None,
    via: str | None = None,
) -> bool:
    """Take a role back from ``user`` (idempotent), on the record.

    The same rules as :func:`role_grant` decide who may. Returns whether the role
    was held; withdrawing a role no longer held changes nothing and records
    nothing. With their last official or team leader role a person leaves the
    "Officials" group
    (and with the content editor role, "Editors" and staff status), so the admin
    closes to them.
    """
    scope = _role_scope(
        user=user, role=role, team=team, commune=commune, province=province
    )
    _check_manager(by, scope)
    # The delete is the lock: of two withdrawals at once only one deletes a row.
    deleted, _by_model = RoleAssignment.objects.filter(**scope).delete()
    if not deleted:
        return False
    _record(action=RoleChange.Action.WITHDRAWN, scope=scope, by=by, via=via)
    permissions.reach_forget(user)
    if (
        role in permissions.ADMIN_ROLES
        and not user.roles.filter(role__in=permissions.ADMIN_ROLES).exists()
    ):
        user.groups.remove(*Group.objects.filter(name=OFFICIALS_GROUP))
    if role == Role.CONTENT_EDITOR:
        user.groups.remove(*Group.objects.filter(name=EDITORS_GROUP))
        if user.is_staff and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])
    return True


def roles_withdraw_for_deleted_account(*, user: User) -> None:
    """Record that an account being deleted loses its roles.

    Called just before the account's rows go (``pre_delete``): the record keeps the
    person's name but no link to the account that is going.
    """
    assignments = user.roles.select_related(
        "team__commune__province", "commune__province", "province"
    )
    for assignment in assignments:
        scope = {
            "user": user,
            "role": assignment.role,
            "team": assignment.team,
            "commune": assignment.commune,
            "province": assignment.province,
        }
        _record(
            action=RoleChange.Action.WITHDRAWN,
            scope=scope,
            by=None,
            via=RoleChange.Via.ACCOUNT_DELETED,
            link_user=False,
        )
