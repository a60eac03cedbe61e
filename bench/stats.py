"""Percentiles and medians. Latencies are measured in seconds and reported in milliseconds."""

import math
import statistics


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (``fraction`` in 0..1)."""
    if not sorted_values:
        return float("nan")
    rank = min(len(sorted_values), max(1, math.ceil(fraction * len(sorted_values) - 1e-9)))
    return sorted_values[rank - 1]


def summary(latencies_s: list[float]) -> dict:
    """p50, p95, p99 and max of latencies given in seconds, as milliseconds."""
    values = sorted(latencies_s)
    if not values:
        return {"n": 0, "p50": None, "p95": None, "p99": None, "max": None}
    return {
        "n": len(values),
        "p50": round(percentile(values, 0.50) * 1000, 2),
        "p95": round(percentile(values, 0.95) * 1000, 2),
        "p99": round(percentile(values, 0.99) * 1000, 2),
        "max": round(values[-1] * 1000, 2),
    }


def median_of(runs: list[dict]) -> dict:
    """Each numeric figure of ``runs`` (dicts of the same shape, nested) replaced by its
    median over the runs. Counts that must hold in every run (lost, duplicates) are taken
    separately by the callers as totals."""
    if not runs:
        return {}
    merged: dict = {}
    for key, first in runs[0].items():
        values = [run.get(key) for run in runs]
        if isinstance(first, dict):
            merged[key] = median_of([v for v in values if isinstance(v, dict)])
        elif isinstance(first, bool) or not isinstance(first, int | float):
            merged[key] = first
        else:
            numbers = [v for v in values if isinstance(v, int | float)]
            value = statistics.median(numbers) if numbers else None
            merged[key] = round(value, 3) if isinstance(value, float) else value
    return merged


def ratio(value, base) -> float | None:
    if not isinstance(value, int | float) or not isinstance(base, int | float) or not base:
        return None
    return round(value / base, 2)
