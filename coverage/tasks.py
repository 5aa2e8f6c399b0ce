"""Background work of the coverage dashboards, on the ``coverage`` queue."""

from django_tasks import task

from coverage import figures

QUEUE = "coverage"


@task(queue_name=QUEUE)
def figures_refresh(*, agency_ids: list[int], commune_ids: list[str]) -> None:
    """Recount the summary rows of these agencies and communes."""
    figures.agency_figures_refresh(agency_ids)
    figures.commune_figures_refresh(commune_ids)
