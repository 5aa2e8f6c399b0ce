"""When a learner may start another attempt: the attempt limit and the wait."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext


def _clock(moment: datetime, now: datetime) -> str:
    """The time alone for today ("14:35"), with the date for another day."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localtime(now).date():
        return formats.time_format(local, "H:i")
    return formats.date_format(local, "SHORT_DATETIME_FORMAT")


@dataclass(frozen=True)
class Allowance:
    """What the rules allow now: attempts left, when the next may start, and why not.

    ``attempts_left`` is None when attempts are unlimited; ``next_try_at`` is set
    while the learner must wait; ``refusal`` says in words why a new attempt cannot
    start now, or is empty when it can.
    """

    attempts_left: int | None
    next_try_at: datetime | None
    refusal: str

    @property
    def may_start(self) -> bool:
        return not self.refusal


def allowance(
    *,
    max_attempts: int | None,
    retry_wait_minutes: int,
    used: int,
    last_submitted_at: datetime | None,
    now: datetime | None = None,
) -> Allowance:
    """Apply a quiz's limits to ``used`` attempts, the last submitted at the time given.

    The attempt limit is checked before the wait: a learner with no attempts left
    is not told to wait for one.
    """
    now = now or timezone.now()
    left = None if max_attempts is None else max(max_attempts - used, 0)
    if left == 0:
        return Allowance(
            attempts_left=0,
            next_try_at=None,
            refusal=ngettext(
                "You have used your only attempt at this quiz.",
                "You have used all %(count)s attempts at this quiz.",
                max_attempts,
            )
            % {"count": max_attempts},
        )
    if retry_wait_minutes and last_submitted_at is not None:
        next_try_at = last_submitted_at + timedelta(minutes=retry_wait_minutes)
        if next_try_at > now:
            minutes = math.ceil((next_try_at - now).total_seconds() / 60)
            clock = _clock(next_try_at, now)
            if minutes < 60:
                refusal = ngettext(
                    "You can try again in %(minutes)s minute, at %(time)s.",
                    "You can try again in %(minutes)s minutes, at %(time)s.",
                    minutes,
                ) % {"minutes": minutes, "time": clock}
            else:
                refusal = gettext("You can try again at %(time)s.") % {"time": clock}
            return Allowance(
                attempts_left=left, next_try_at=next_try_at, refusal=refusal
            )
    return Allowance(attempts_left=left, next_try_at=None, refusal="")
