"""``manage.py api_token USERNAME [--name NAME]``: issue an API token, print the key once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.services import api_token_create
from helpdesk.errors import DomainError


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Create a new API token for USERNAME. The key is printed alone on the last line "
            "of output; it is stored hashed and cannot be shown again."
        )

    def add_arguments(self, parser):
        parser.add_argument("username", help=_("The user the token acts as."))
        parser.add_argument(
            "--name", default="", help=_("A label for the token, such as what it is for.")
        )

    def handle(self, *args, username: str, name: str = "", **options):
        user_model = get_user_model()
        user = user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(_("No user named %(username)s.") % {"username": username})
        try:
            token, key = api_token_create(user=user, name=name)
        except DomainError as error:
            raise CommandError(error.detail) from error
        self.stderr.write(
            _("Token %(prefix)s… created for %(username)s. Keep the key: it is shown only once.")
            % {"prefix": token.prefix, "username": username}
        )
        self.stdout.write(key)
