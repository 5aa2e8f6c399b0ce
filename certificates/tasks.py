"""Background work: bulk issues run here, on the ``certificates`` queue."""

from django_tasks import task

from certificates import services


@task()
def bulk_issue_run(bulk_issue_id: int) -> None:
    """Issue one batch, then queue the next one while people remain.

    Enqueued through ``services`` on the ``certificates`` queue; each run is short,
    so a worker stopping between runs loses nothing.
    """
    if services.bulk_issue_process(bulk_issue_id=bulk_issue_id):
        services.bulk_issue_continue(bulk_issue_id=bulk_issue_id)
