"""Background work on the ``community_teams`` queue: roster imports and figures."""

from django_tasks import task

from community_teams import figures, imports


@task()
def roster_import_read(roster_import_id: int) -> None:
    """Read an uploaded roster into its preview."""
    imports.roster_import_preview(roster_import_id=roster_import_id)


@task()
def roster_import_save_run(roster_import_id: int) -> None:
    """Save an accepted preview, all of it or none."""
    imports.roster_import_save(roster_import_id=roster_import_id)


@task()
def roster_import_expire_run() -> None:
    """Delete the files and previews of imports uploaded more than a day ago."""
    imports.roster_imports_expire()


@task()
def hamlet_figures_refresh_run(hamlet_ids: list[int]) -> None:
    """Recount the summary rows of the hamlets a change touched."""
    figures.hamlet_figures_refresh(hamlet_ids)
