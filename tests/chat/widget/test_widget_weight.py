"""The widget's budgets (issue 5): loader ≤ 5 KB gzipped, everything before the first
message ≤ 40 KB gzipped, as ``make bench`` records them."""

from bench.widget_weight import bench_widget_weight, module_graph


def test_every_module_the_frame_imports_is_counted():
    assert module_graph("widget/frame.js") == [
        "widget/frame.js",
        "comptoir/socket-client.js",
        "widget/dom.js",
        "widget/forms.js",
        "widget/messages.js",
    ]


def test_widget_stays_within_its_budgets(settings):
    weight = bench_widget_weight()
    assert weight["estimated"] is False
    assert weight["loader_gzip_bytes"] <= 5 * 1024
    assert weight["first_message_gzip_bytes"] <= 40 * 1024
    assert weight["within_budget"] is True
    assert "/widget/frame/" in weight["files"] and "widget/frame.css" in weight["files"]
