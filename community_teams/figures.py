"""The teams' reach per hamlet, counted from the raw rows into the summary tables.

What is counted follows the hamlet page
(:func:`community_teams.selectors.hamlet_summary_count`):

- every visit received counts, whatever its review: a review says whether the
  record is right, not whether the visit took place, so approving or sending one
  back moves nothing; the correction that replaces a visit sent back does;
- a household is reached once it has a visit, and first reached in the month of
  its first visit;
- residents are those not erased; a person guided stays counted as guided after
  being erased (the row is kept so that the figures stay right);
- a person counts once per skill however often guided, and as doing it themselves
  ("tự làm được") once they did it themselves at any visit; a person is first
  guided in the month of the first visit at which they were guided on a skill.

A write that moves the figures runs in :func:`figures_kept` and names the hamlets
it touched with :func:`hamlets_changed`. As the outermost block closes, one task
(``community_teams.tasks.hamlet_figures_refresh_run``, on the ``community_teams``
queue) is queued for all of them inside its transaction: committed with the
change, never without it, however many visits a batch held. The refresh locks the
hamlet rows, so two refreshes of one hamlet run one after the other and the later
one counts everything committed before it.

Changing a household's head, number or phone moves no figure and queues nothing.
"""

import datetime
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, DateField, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth

from community_teams.models import (
    Guidance,
    HamletFigures,
    HamletMonthFigures,
    HamletSkillFigures,
    Household,
    Resident,
    Visit,
)
from lms.models import Hamlet

QUEUE = "community_teams"
# Hamlets recounted together: a province's 1,500 hamlets take fifteen rounds,
# each reading a row per person guided (some 300,000).
BATCH_SIZE = 100

PLACE_FIELDS = ("commune_id", "province_id")
HAMLET_FIELDS = (
    "households",
    "households_reached",
    "residents",
    "residents_guided",
    "visits",
)
SKILL_FIELDS = ("residents_guided", "residents_self_capable", "households_reached")
MONTH_FIELDS = ("visits", "households_first_reached", "residents_guided_first")


@dataclass
class FiguresRows:
    """The three tables' rows for some hamlets, as plain values.

    ``hamlets`` maps a hamlet's id, ``skills`` a (hamlet id, skill id) pair and
    ``months`` a (hamlet id, first day of the month) pair to the row's figures,
    with its ``commune_id`` and ``province_id``.
    """

    hamlets: dict[int, dict] = field(default_factory=dict)
    skills: dict[tuple[int, int], dict] = field(default_factory=dict)
    months: dict[tuple[int, datetime.date], dict] = field(default_factory=dict)


# Collecting the hamlets a transaction touched --------------------------------------

_touched: ContextVar[set[int] | None] = ContextVar(
    "community_teams_figures_touched", default=None
)


@contextmanager
def figures_kept():
    """A transaction (or a savepoint in one) whose writes may move the figures.

    The outermost block queues one refresh of every hamlet named by
    :func:`hamlets_changed` within it, as its last write. A block rolled back
    queues nothing; a savepoint rolled back inside it only costs a recount.
    """
    if _touched.get() is not None:
        with transaction.atomic():
            yield
        return
    touched: set[int] = set()
    token = _touched.set(touched)
    try:
        with transaction.atomic():
            yield
            _enqueue(touched)
    finally:
        _touched.reset(token)


def hamlets_changed(*hamlet_ids) -> None:
    """Say that the current transaction moved these hamlets' figures.

    Inside :func:`figures_kept` the refresh waits for the block to close; outside
    it is queued at once, so call it inside the transaction of the change.
    """
    ids = {pk for pk in hamlet_ids if pk is not None}
    touched = _touched.get()
    if touched is None:
        _enqueue(ids)
    else:
        touched.update(ids)


def _enqueue(hamlet_ids: set[int]) -> None:
    if not hamlet_ids:
        return
    from community_teams.tasks import hamlet_figures_refresh_run

    hamlet_figures_refresh_run.using(queue_name=QUEUE).enqueue(sorted(hamlet_ids))


# Counting ---------------------------------------------------------------------------


def _places(hamlet_ids, *, lock: bool) -> dict[int, dict]:
    hamlets = Hamlet.objects.filter(pk__in=hamlet_ids).order_by("pk")
    if lock:
        # NO KEY: households and visits may still be added under the lock.
        hamlets = hamlets.select_for_update(no_key=True, of=("self",))
    return {
        pk: {"commune_id": commune, "province_id": province}
        for pk, commune, province in hamlets.values_list(
            "pk", "commune_id", "commune__province_id"
        )
    }


def _month(expression):
    return TruncMonth(expression, output_field=DateField())


def _count(places: dict[int, dict]) -> FiguresRows:
    """The figures of these hamlets, from the raw rows, in five grouped queries."""
    rows = FiguresRows()
    ids = list(places)
    if not ids:
        return rows

    def hamlet_row(pk):
        return rows.hamlets.setdefault(
            pk, {**places[pk], **dict.fromkeys(HAMLET_FIELDS, 0)}
        )

    def month_row(pk, month):
        return rows.months.setdefault(
            (pk, month), {**places[pk], **dict.fromkeys(MONTH_FIELDS, 0)}
        )

    first_visit = (
        Visit.objects.filter(household=OuterRef("pk"))
        .order_by("visited_on")
        .values("visited_on")[:1]
    )
    for hamlet_id, month, count in (
        Household.objects.filter(hamlet__in=ids)
        .annotate(month=_month(Subquery(first_visit, output_field=DateField())))
        .order_by()
        .values("hamlet", "month")
        .annotate(count=Count("pk"))
        .values_list("hamlet", "month", "count")
    ):
        row = hamlet_row(hamlet_id)
        row["households"] += count
        if month is not None:
            row["households_reached"] += count
            month_row(hamlet_id, month)["households_first_reached"] += count

    for hamlet_id, present in (
        Resident.objects.filter(household__hamlet__in=ids, erased_at=None)
        .order_by()
        .values("household__hamlet")
        .annotate(present=Count("pk"))
        .values_list("household__hamlet", "present")
    ):
        hamlet_row(hamlet_id)["residents"] += present

    # One row per person guided: the day they were first guided on a skill.
    for hamlet_id, day in (
        Guidance.objects.filter(attendee__visit__household__hamlet__in=ids)
        .order_by()
        .values("attendee__visit__household__hamlet", "attendee__resident")
        .annotate(first=Min("attendee__visit__visited_on"))
        .values_list("attendee__visit__household__hamlet", "first")
    ):
        hamlet_row(hamlet_id)["residents_guided"] += 1
        month_row(hamlet_id, day.replace(day=1))["residents_guided_first"] += 1

    for hamlet_id, month, count in (
        Visit.objects.filter(household__hamlet__in=ids)
        .annotate(month=_month("visited_on"))
        .order_by()
        .values("household__hamlet", "month")
        .annotate(count=Count("pk"))
        .values_list("household__hamlet", "month", "count")
    ):
        hamlet_row(hamlet_id)["visits"] += count
        month_row(hamlet_id, month)["visits"] += count

    for hamlet_id, skill_id, guided, themselves, homes in (
        Guidance.objects.filter(attendee__visit__household__hamlet__in=ids)
        .order_by()
        .values("attendee__visit__household__hamlet", "skill")
        .annotate(
            guided=Count("attendee__resident", distinct=True),
            themselves=Count(
                "attendee__resident", filter=Q(by_themselves=True), distinct=True
            ),
            homes=Count("attendee__visit__household", distinct=True),
        )
        .values_list(
            "attendee__visit__household__hamlet",
            "skill",
            "guided",
            "themselves",
            "homes",
        )
    ):
        rows.skills[(hamlet_id, skill_id)] = {
            **places[hamlet_id],
            "residents_guided": guided,
            "residents_self_capable": themselves,
            "households_reached": homes,
        }
    return rows


def figures_recount(hamlet_ids: Iterable[int]) -> FiguresRows:
    """What the summary rows of these hamlets should hold, counted now; writes
    nothing. A hamlet with nothing to count has no rows."""
    rows = FiguresRows()
    for batch in _batches(hamlet_ids):
        counted = _count(_places(batch, lock=False))
        rows.hamlets.update(counted.hamlets)
        rows.skills.update(counted.skills)
        rows.months.update(counted.months)
    return rows


def _stored(hamlet_ids) -> tuple[FiguresRows, dict[str, dict]]:
    """The stored rows of these hamlets, and each row's primary key by its key."""
    rows = FiguresRows()
    keys = {"hamlets": {}, "skills": {}, "months": {}}
    for name, model, key_fields, fields in (
        ("hamlets", HamletFigures, ("hamlet_id",), HAMLET_FIELDS),
        ("skills", HamletSkillFigures, ("hamlet_id", "skill_id"), SKILL_FIELDS),
        ("months", HamletMonthFigures, ("hamlet_id", "month"), MONTH_FIELDS),
    ):
        for values in model.objects.filter(hamlet__in=hamlet_ids).values(
            "pk", *key_fields, *PLACE_FIELDS, *fields
        ):
            key = tuple(values.pop(part) for part in key_fields)
            key = key[0] if len(key) == 1 else key
            keys[name][key] = values.pop("pk")
            getattr(rows, name)[key] = values
    return rows, keys


def figures_stored(hamlet_ids: Iterable[int]) -> FiguresRows:
    """The summary rows stored for these hamlets, shaped as :func:`figures_recount`."""
    rows = FiguresRows()
    for batch in _batches(hamlet_ids):
        stored, _keys = _stored(batch)
        rows.hamlets.update(stored.hamlets)
        rows.skills.update(stored.skills)
        rows.months.update(stored.months)
    return rows


# Writing ----------------------------------------------------------------------------


def _batches(hamlet_ids: Iterable[int]):
    ids = sorted({int(pk) for pk in hamlet_ids})
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def _write(model, key_fields, fields, counted: dict, stored: dict, keys: dict) -> None:
    """Insert or update the rows that differ; delete those with nothing left."""
    changed = []
    for key, row in counted.items():
        if stored.get(key) != row:
            parts = key if isinstance(key, tuple) else (key,)
            changed.append(model(**dict(zip(key_fields, parts, strict=True)), **row))
    if changed:
        model.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=[name.removesuffix("_id") for name in key_fields],
            update_fields=[
                name.removesuffix("_id") for name in (*PLACE_FIELDS, *fields)
            ],
        )
    gone = [pk for key, pk in keys.items() if key not in counted]
    if gone:
        model.objects.filter(pk__in=gone).delete()


def _refresh(batch: list[int]) -> None:
    with transaction.atomic():
        counted = _count(_places(batch, lock=True))
        stored, keys = _stored(batch)
        _write(
            HamletFigures,
            ("hamlet_id",),
            HAMLET_FIELDS,
            counted.hamlets,
            stored.hamlets,
            keys["hamlets"],
        )
        _write(
            HamletSkillFigures,
            ("hamlet_id", "skill_id"),
            SKILL_FIELDS,
            counted.skills,
            stored.skills,
            keys["skills"],
        )
        _write(
            HamletMonthFigures,
            ("hamlet_id", "month"),
            MONTH_FIELDS,
            counted.months,
            stored.months,
            keys["months"],
        )


def hamlet_figures_refresh(hamlet_ids: Iterable[int]) -> None:
    """Recount the summary rows of these hamlets from the raw rows.

    Hamlets are counted ``BATCH_SIZE`` at a time, each batch in about ten queries
    and its own transaction; only rows that changed are written, and rows with
    nothing left to count are deleted. Ids of hamlets that no longer exist are
    passed over (their rows went with them).
    """
    for batch in _batches(hamlet_ids):
        _refresh(batch)


def hamlet_figures_recount_all(
    *, on_progress: Callable[[int, int], None] | None = None
) -> int:
    """Recount every hamlet's rows (after an upgrade, or a change made around the
    services); ``on_progress(done, total)`` after each batch. Returns the number
    of hamlets counted."""
    ids = list(Hamlet.objects.order_by("pk").values_list("pk", flat=True))
    done = 0
    for batch in _batches(ids):
        _refresh(batch)
        done += len(batch)
        if on_progress is not None:
            on_progress(done, len(ids))
    return len(ids)


def hamlet_figures_follow(hamlet) -> None:
    """After a hamlet is saved: if it moved to another commune, its rows follow."""
    if (
        HamletFigures.objects.filter(hamlet=hamlet)
        .exclude(commune_id=hamlet.commune_id)
        .exists()
    ):
        hamlets_changed(hamlet.pk)
