"""The staff screens in the Wagtail admin: roles, their record, hamlets, choosers."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from lms import choosers, viewsets
from lms.models import AuditEvent, Hamlet, RoleAssignment, RoleChange

# Before anything asks Wagtail for these models' policies.
register_permission_policy(RoleAssignment, viewsets.role_assignment_policy())
register_permission_policy(RoleChange, viewsets.role_change_policy())
register_permission_policy(Hamlet, viewsets.hamlet_policy())
register_permission_policy(AuditEvent, viewsets.audit_event_policy())


@hooks.register("register_admin_viewset")
def register_staff_viewsets():
    return [
        viewsets.RolesGroup(),
        viewsets.HamletViewSet("hamlets"),
        viewsets.AuditEventViewSet("audit_log"),
        choosers.person_chooser_viewset,
        choosers.commune_chooser_viewset,
        choosers.hamlet_chooser_viewset,
    ]
