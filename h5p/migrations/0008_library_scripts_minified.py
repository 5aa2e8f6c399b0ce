"""The scripts of libraries stored before scripts were minified at import are
minified where they are, as an import now writes them (h5p/extract.py,
h5p/media.py): the same code, a third lighter."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations

from h5p.media import script_lightened


def _scripts(folder: str):
    """The storage names of the ``.js`` files under ``folder`` (ending in ``/``)."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        if name.lower().endswith(".js"):
            yield folder + name
    for inner in folders:
        yield from _scripts(f"{folder}{inner}/")


def library_scripts_minify(apps, schema_editor):
    H5PLibrary = apps.get_model("h5p", "H5PLibrary")
    for prefix in H5PLibrary.objects.values_list("storage_prefix", flat=True).iterator():
        for name in list(_scripts(prefix)):
            with default_storage.open(name, "rb") as file:
                lighter = script_lightened(file.read())
            if lighter is None:
                continue
            default_storage.delete(name)
            default_storage.save(name, ContentFile(lighter))


class Migration(migrations.Migration):
    dependencies = [
        ("h5p", "0007_package_keeps_its_file_name"),
    ]

    operations = [
        migrations.RunPython(library_scripts_minify, migrations.RunPython.noop),
    ]
