"""The embeddable widget's pages: the loader and the chat frame (CONTRACT.md, ``/widget.js``)."""

from django.urls import path

from chat import widget_views

urlpatterns = [
    path("widget.js", widget_views.widget_js, name="widget-js"),
    path("widget/frame/", widget_views.widget_frame, name="widget-frame"),
]
