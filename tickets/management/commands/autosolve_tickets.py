"""``manage.py autosolve_tickets [--days N]``: solve tickets pending for N days (B4).

Run it from cron or any scheduler, hourly or daily; it is idempotent."""

from django.core.management.base import BaseCommand, CommandError

from helpdesk.errors import DomainError
from tickets.services import ticket_autosolve_pending


class Command(BaseCommand):
    help = "Solve the tickets pending for TICKET_AUTO_SOLVE_DAYS days (or --days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days=None, **options):
        try:
            solved = ticket_autosolve_pending(days=days)
        except DomainError as error:
            raise CommandError(error.detail) from error
        self.stdout.write(f"{len(solved)} ticket(s) solved")
