"""``manage.py seed_demo``: the demo desk that ``make run`` starts with (CONTRACT.md, set-up facts).

Idempotent: a second run finds every row by its natural key and restores the documented
facts (passwords, roles, team, widget routing, canned texts) without creating new rows.
Agents' availability is set only when they are created, so a rerun does not pull a
connected agent out of their chats behind the sockets' back."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import AgentProfile, Role, Team
from accounts.services import agent_create, agent_profile_create, agent_set_role
from chat.models import CannedResponse, PrechatMode, Widget
from helpdesk.errors import DomainError

TEAM_NAME = "Support"
WIDGET_KEY = "demo"
WELCOME_MESSAGE = "Hi! How can we help you today?"


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    display_name: str
    role: Role
    superuser: bool = False


USERS = (
    DemoUser("admin", "admin", "Admin", Role.ADMINISTRATOR, superuser=True),
    DemoUser("alice", "demo", "Alice", Role.AGENT),
    DemoUser("bob", "demo", "Bob", Role.AGENT),
)

# (shortcut, language, title, body); bodies are templates the dashboard fills in.
CANNED_RESPONSES = (
    ("hello", "en", "Greeting", "Hello {{ visitor.name }}, I'm {{ agent.name }}. How can I help?"),
    ("thanks", "en", "Thanks", "Thank you for contacting us, {{ visitor.name }}!"),
    (
        "hello",
        "fr",
        "Salutation",
        "Bonjour {{ visitor.name }}, je suis {{ agent.name }}. Comment puis-je vous aider ?",
    ),
    ("thanks", "fr", "Remerciements", "Merci de nous avoir contactés, {{ visitor.name }} !"),
)


def _demo_user(spec: DemoUser, team: Team) -> AgentProfile:
    user = get_user_model().objects.filter(username=spec.username).first()
    if user is None:
        profile = agent_create(
            username=spec.username,
            password=spec.password,
            display_name=spec.display_name,
            role=spec.role,
            teams=[team] if spec.role == Role.AGENT else [],
        )
        user = profile.user
    else:
        user.set_password(spec.password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        profile = AgentProfile.objects.filter(user=user).first()
        if profile is None:
            profile = agent_profile_create(
                user=user, display_name=spec.display_name, role=spec.role
            )
        profile.display_name = spec.display_name
        profile.slots = 3
        profile.save(update_fields=["display_name", "slots"])
        profile = agent_set_role(profile=profile, role=spec.role)
        if spec.role == Role.AGENT:
            profile.teams.add(team)
    if spec.superuser and not user.is_superuser:
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    return profile


@transaction.atomic
def demo_data_seed() -> None:
    """Create or restore the demo desk: team, users, widget, canned responses."""
    team, _created = Team.objects.update_or_create(
        name=TEAM_NAME, defaults={"always_open": True, "timezone": "UTC"}
    )
    for spec in USERS:
        _demo_user(spec, team)
    Widget.objects.update_or_create(
        public_key=WIDGET_KEY,
        defaults={
            "name": "Demo widget",
            "team": team,
            "is_active": True,
            "prechat_mode": PrechatMode.NONE,
            "welcome_message": WELCOME_MESSAGE,
            "allowed_origins": [],
        },
    )
    for shortcut, language, title, body in CANNED_RESPONSES:
        CannedResponse.objects.update_or_create(
            shortcut=shortcut,
            language=language,
            owner=None,
            defaults={"title": title, "body": body, "team": None},
        )


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Create or restore the demo desk: users admin, alice and bob, team Support, "
            "widget demo and canned responses. Refuses to run with DEBUG off unless --force."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Run even when DEBUG is off (the demo passwords are public)."),
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "seed_demo creates users with public passwords (admin/admin, alice/demo) "
                    "and refuses to run with DEBUG off. Pass --force if this really is a "
                    "demo instance."
                )
            )
        try:
            demo_data_seed()
        except DomainError as error:
            raise CommandError(error.detail) from error
        self.stdout.write(self.style.SUCCESS(_("Demo data ready.")))
        self.stdout.write(_("  Back office (/admin/): admin / admin"))
        self.stdout.write(_("  Agents (/login/): alice / demo, bob / demo (team Support)"))
        self.stdout.write(
            _("  Widget key: %(key)s (welcome message, no pre-chat form, open 24/7)")
            % {"key": WIDGET_KEY}
        )
        self.stdout.write(_("  Canned responses: #hello, #thanks (English and French)"))
