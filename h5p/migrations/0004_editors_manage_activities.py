from django.db import migrations

# Content editors upload packages and place them as activities in lessons. The
# statements learners send hold their answers: they stay with people granted
# "view xAPI statement" one by one; editors see the activity statistics.
GRANTS = {
    "h5pactivity": ["add_h5pactivity", "change_h5pactivity", "delete_h5pactivity"]
    + ["view_h5pactivity"],
    "h5ppackage": ["view_h5ppackage", "upload_h5ppackage"],
}
NAMES = {
    "add_h5pactivity": "Can add H5P activity",
    "change_h5pactivity": "Can change H5P activity",
    "delete_h5pactivity": "Can delete H5P activity",
    "view_h5pactivity": "Can view H5P activity",
    "view_h5ppackage": "Can view H5P package",
    "upload_h5ppackage": "Can upload H5P packages",
}


def editors_manage_activities(apps, schema_editor):
    """Wagtail's Editors and Moderators upload packages and manage activities."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    groups = list(Group.objects.filter(name__in=["Editors", "Moderators"]))
    if not groups:
        return
    permissions = []
    for model, codenames in GRANTS.items():
        # Django makes permissions after every migration has run; these are needed
        # now, and post_migrate later finds them by content type and codename.
        content_type, _created = ContentType.objects.get_or_create(
            app_label="h5p", model=model
        )
        permissions += [
            Permission.objects.get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": NAMES[codename]},
            )[0]
            for codename in codenames
        ]
    for group in groups:
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("h5p", "0003_result_keeps_attempt_scores"),
        ("wagtailcore", "0002_initial_data"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(editors_manage_activities, migrations.RunPython.noop)
    ]
