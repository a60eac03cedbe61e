"""Server-rendered pages of the agent workspace."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def dashboard(request):
    """The agent's workspace at ``/``."""
    return render(request, "chat/dashboard.html")
