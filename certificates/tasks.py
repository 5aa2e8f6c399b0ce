"""Background work on the ``certificates`` queue: bulk issues and reissues."""

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


@task()
def design_reissue_run(template_id: int, by_id: int) -> None:
    """Reissue one batch of a course's certificates with its published design."""
    if services.design_reissue_process(template_id=template_id, by_id=by_id):
        design_reissue_run.using(queue_name=services.CERTIFICATE_QUEUE).enqueue(
            template_id, by_id
        )
