from django.db import migrations

ACTIONS = ["add", "change", "delete", "view"]


def editors_build_quizzes(apps, schema_editor):
    """Content editors (Wagtail's Editors and Moderators) build quizzes."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    groups = list(Group.objects.filter(name__in=["Editors", "Moderators"]))
    if not groups:
        return
    # Django makes permissions after every migration has run; these are needed now,
    # and post_migrate later finds them by content type and codename.
    content_type, _created = ContentType.objects.get_or_create(
        app_label="quizzes", model="quiz"
    )
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_quiz",
            defaults={"name": f"Can {action} quiz"},
        )[0]
        for action in ACTIONS
    ]
    for group in groups:
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(editors_build_quizzes, migrations.RunPython.noop)
    ]
