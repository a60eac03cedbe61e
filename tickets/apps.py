from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        # Inbound email arrives as anymail's signal, whichever provider's webhook got it.
        from anymail.signals import inbound

        from tickets.email.inbound import inbound_received

        inbound.connect(inbound_received, dispatch_uid="tickets.inbound_email")
