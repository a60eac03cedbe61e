"""Scenario 8: the widget's weight, measured by ``bench.widget_weight`` (the widget's own
module, kept by whoever builds the widget)."""

import importlib

from django.conf import settings

NOT_AVAILABLE = "not available"


def measure():
    """``bench.widget_weight.bench_widget_weight()``'s figures, or "not available" while
    that module does not exist. Static URLs are rendered unhashed: the benchmark serves no
    collected files, and a hash changes a URL's length by a dozen bytes at most."""
    from django.test.utils import override_settings

    try:
        module = importlib.import_module("bench.widget_weight")
    except ModuleNotFoundError as error:
        if error.name != "bench.widget_weight":
            raise
        return NOT_AVAILABLE
    function = getattr(module, "bench_widget_weight", None)
    if function is None:
        return NOT_AVAILABLE
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        return function()
