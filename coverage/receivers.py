"""What moves the coverage figures, heard from the apps below and from this one.

Each receiver works out what a change touched and queues one refresh of it
(:func:`coverage.figures.figures_touch`); it never counts anything itself.
"""

from coverage import figures
from coverage.models import Agency, CourseAssignment, StaffMember


def _touch(touched: figures.Touched) -> None:
    figures.figures_touch(
        agency_ids=touched.agency_ids, commune_ids=touched.commune_ids
    )


def course_completed(sender, enrollment, **kwargs) -> None:
    _touch(figures.touched_by_users([enrollment.user_id]))


def people_trained_elsewhere(sender, user_ids, **kwargs) -> None:
    _touch(figures.touched_by_users(user_ids))


def staff_imported(sender, agency_id, **kwargs) -> None:
    # A roster is written in bulk, past the staff's post_save.
    figures.figures_touch(agency_ids=[agency_id])


def certificate_saved(sender, instance, **kwargs) -> None:
    touched = figures.Touched()
    if instance.user_id:
        touched = figures.touched_by_users([instance.user_id])
    elif instance.resident_id:
        touched.commune_ids.add(instance.resident.household.hamlet.commune_id)
    _touch(touched)


def _remember_before(sender, instance, **kwargs) -> None:
    """Keep what a row pointed at before the change, to refresh both sides."""
    if instance.pk is None:
        instance._coverage_before = None
        return
    instance._coverage_before = sender.objects.filter(pk=instance.pk).first()


remember_staff_before = _remember_before
remember_assignment_before = _remember_before


def staff_saved(sender, instance: StaffMember, **kwargs) -> None:
    agency_ids = {instance.agency_id}
    before = getattr(instance, "_coverage_before", None)
    if before is not None:
        agency_ids.add(before.agency_id)
    figures.figures_touch(agency_ids=agency_ids)


def staff_deleted(sender, instance: StaffMember, **kwargs) -> None:
    figures.figures_touch(agency_ids=[instance.agency_id])


def assignment_saved(sender, instance: CourseAssignment, **kwargs) -> None:
    agency_ids = set(figures.agencies_under_assignment(instance))
    before = getattr(instance, "_coverage_before", None)
    if before is not None:
        agency_ids.update(figures.agencies_under_assignment(before))
    figures.figures_touch(agency_ids=agency_ids)


def assignment_deleted(sender, instance: CourseAssignment, **kwargs) -> None:
    figures.figures_touch(agency_ids=figures.agencies_under_assignment(instance))


def agency_saved(sender, instance: Agency, created=False, **kwargs) -> None:
    if created:
        return  # nobody works there yet
    # A moved agency takes its sub-units with it: their rows carry the path.
    figures.figures_touch(agency_ids=instance.subtree().values_list("pk", flat=True))
