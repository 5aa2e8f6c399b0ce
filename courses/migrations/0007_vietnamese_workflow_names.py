from django.db import migrations

# Wagtail's migrations name the default workflow, its task, the root page and the
# root collection in English, and the admin shows those names as they are: the
# publish menu read "Thực hiện Moderators approval" and the page chooser "Root".
WORKFLOW = ("Moderators approval", "Kiểm duyệt")
ROOT = ("Root", "Gốc")


def rename(apps, english: bool) -> None:
    old, new = (1, 0) if english else (0, 1)
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    Workflow.objects.filter(name=WORKFLOW[old]).update(name=WORKFLOW[new])
    Task.objects.filter(name=WORKFLOW[old]).update(name=WORKFLOW[new])
    Page.objects.filter(depth=1, title=ROOT[old]).update(
        title=ROOT[new], draft_title=ROOT[new]
    )
    Collection.objects.filter(depth=1, name=ROOT[old]).update(name=ROOT[new])


def to_vietnamese(apps, schema_editor):
    rename(apps, english=False)


def to_english(apps, schema_editor):
    rename(apps, english=True)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_video_block_accepts_videos"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(to_vietnamese, to_english)]
