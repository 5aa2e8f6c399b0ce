from wagtail import hooks
from wagtail.permissions import register_permission_policy

from coverage import viewsets
from coverage.models import Agency, CourseAssignment, StaffMember, Target

register_permission_policy(Agency, viewsets.agency_policy())
register_permission_policy(StaffMember, viewsets.staff_policy())
register_permission_policy(CourseAssignment, viewsets.assignment_policy())
register_permission_policy(Target, viewsets.target_policy())


@hooks.register("register_admin_viewset")
def register_coverage_viewsets():
    return [
        viewsets.AgencyViewSet("agencies"),
        viewsets.StaffViewSet("staff"),
        viewsets.AssignmentViewSet("assignments"),
        viewsets.TargetViewSet("targets"),
    ]
