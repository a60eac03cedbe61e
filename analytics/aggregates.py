"""Percentiles, in the database where it can (PostgreSQL's ``percentile_cont``) and in
Python over an ordered list otherwise, with the same definition: the continuous
percentile, interpolating linearly between the two nearest values."""

import math
from datetime import timedelta

from django.db.models import Aggregate, DurationField


class PercentileCont(Aggregate):
    """``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``, PostgreSQL only.
    Here over durations (intervals), so the output is a duration; ``filter`` works as for
    any aggregate."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"
    window_compatible = False
    output_field = DurationField()

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction is between 0 and 1")
        # A float of our own, never input: safe to write into the SQL.
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentile(ordered: list[timedelta], fraction: float) -> timedelta | None:
    """The ``fraction`` percentile of ``ordered`` (ascending), as ``percentile_cont``
    computes it; None for no values."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)
