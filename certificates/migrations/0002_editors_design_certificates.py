from django.db import migrations

ACTIONS = ["add", "change", "delete", "view", "publish"]


def editors_design_certificates(apps, schema_editor):
    """Content editors design and publish certificates in the Wagtail admin."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group = Group.objects.filter(name="Editors").first()
    if group is None:
        return
    # Django and Wagtail make these rows only after every migration has run; they
    # keep the rows made here.
    content_type, _created = ContentType.objects.get_or_create(
        app_label="certificates", model="certificatetemplate"
    )
    for action in ACTIONS:
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_certificatetemplate",
            defaults={"name": f"Can {action} certificate design"},
        )
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(editors_design_certificates, migrations.RunPython.noop)
    ]
