from django.urls import path

from chat.widget_api import views

urlpatterns = [
    path("session", views.SessionView.as_view(), name="widget-session"),
]
