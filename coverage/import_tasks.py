"""The imports' background work, on the ``coverage`` queue: staff rosters and
completion records."""

from django_tasks import task

from coverage import imports


@task()
def staff_import_read(staff_import_id: int) -> None:
    """Read an uploaded staff roster into its preview."""
    imports.staff_import_preview(staff_import_id=staff_import_id)


@task()
def staff_import_save_run(staff_import_id: int) -> None:
    """Save an accepted staff preview, all of it or none."""
    imports.staff_import_save(staff_import_id=staff_import_id)


@task()
def completion_import_read(completion_import_id: int) -> None:
    """Read an uploaded export of completions into its preview."""
    imports.completion_import_preview(completion_import_id=completion_import_id)


@task()
def completion_import_save_run(completion_import_id: int) -> None:
    """Record an accepted preview of completions, all of it or none."""
    imports.completion_import_save(completion_import_id=completion_import_id)


@task()
def coverage_imports_expire_run() -> None:
    """Delete the files and previews of imports uploaded more than a day ago."""
    imports.coverage_imports_expire()
