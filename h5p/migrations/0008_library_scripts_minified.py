"""The scripts of libraries stored before scripts were minified at import are
minified where they are (h5p/media.py): the same code, a third lighter."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations

from h5p.media import script_lightened


def _script_paths(library_json) -> list[str]:
    entries = library_json.get("preloadedJs") if isinstance(library_json, dict) else []
    paths = []
    for entry in entries or []:
        path = entry.get("path") if isinstance(entry, dict) else None
        # Checked at import; a path that could leave the folder is left alone.
        if isinstance(path, str) and path and ".." not in path.split("/"):
            paths.append(path)
    return paths


def library_scripts_minify(apps, schema_editor):
    H5PLibrary = apps.get_model("h5p", "H5PLibrary")
    for library in H5PLibrary.objects.only("storage_prefix", "library_json").iterator():
        for path in _script_paths(library.library_json):
            name = library.storage_prefix + path
            if not default_storage.exists(name):
                continue
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
