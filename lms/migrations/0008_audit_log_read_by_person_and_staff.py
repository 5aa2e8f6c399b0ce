from django.db import migrations, models

# On PostgreSQL, "which events name record 12" is JSON containment
# (subject_ids @> '["12"]'), answered by this index (lms.audit.events_naming).
GIN_CREATE = (
    "CREATE INDEX IF NOT EXISTS audit_subject_ids ON lms_auditevent "
    "USING gin (subject_ids jsonb_path_ops)"
)
GIN_DROP = "DROP INDEX IF EXISTS audit_subject_ids"


def gin_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIN_CREATE)


def gin_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIN_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0007_team_member_organisation"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["actor", "-at"], name="audit_actor_at"),
        ),
        migrations.RunPython(gin_create, gin_drop, elidable=False),
    ]
