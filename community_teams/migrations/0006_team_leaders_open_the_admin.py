"""Team leaders keep their team's household list in the Wagtail admin.

Leaders appointed before then join the "Officials" group, whose only permission
opens the admin (as ``lms.services.role_grant`` now does for every new leader).
A database made from scratch has no leaders yet, nor the permission: nothing to do.
"""

from django.db import migrations

GROUP = "Officials"


def leaders_join(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    RoleAssignment = apps.get_model("lms", "RoleAssignment")
    leaders = RoleAssignment.objects.filter(role="team_leader").values("user_id")
    permission = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    if permission is None or not leaders.exists():
        return
    group, _created = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(permission)
    User = apps.get_model("lms", "User")
    for user in User.objects.filter(pk__in=leaders):
        user.groups.add(group)


class Migration(migrations.Migration):
    dependencies = [
        ("community_teams", "0005_roster_import"),
        ("lms", "0006_audit_log"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(leaders_join, migrations.RunPython.noop)]
