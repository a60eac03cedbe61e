"""French (locale/fr): the pages, models and errors speak it, and no message is left
untranslated.

The catalogues are read from the compiled ``.mo`` files, which are not in git: ``make test``
compiles them first (``make compilemessages`` does it alone)."""

import ast
import gettext
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import AgentProfile, AgentStatus, validate_timezone
from accounts.services import agent_create
from chat.models import CannedResponse, ConversationStatus
from helpdesk.errors import DomainError
from tickets.models import Ticket

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")


# --- a small .po reader ------------------------------------------------------------------

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')
_CONTINUATION = re.compile(r'^(".*")\s*$')


def _unquote(literal: str) -> str:
    # A PO string literal uses C escapes, which a Python string literal reads alike.
    return ast.literal_eval(literal)


def read_po(path: Path) -> list[dict]:
    """The live entries of a .po file, header excluded, as dicts with ``msgctxt``,
    ``msgid``, ``msgid_plural``, ``msgstr`` (a list: one item, or one per plural form),
    ``flags`` and ``line``. Obsolete (``#~``) entries are skipped."""
    entries = []
    entry = None
    field = None

    def finish():
        if entry is not None and "msgid" in entry:
            strs = entry.pop("_strs")
            entry["msgstr"] = [strs[i] for i in sorted(strs)]
            if entry["msgid"] != "" or entry.get("msgctxt") is not None:
                entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and "msgid" in entry and field and field[0] == "msgstr":
                finish()
                entry, field = None, None
            if entry is None:
                entry = {"flags": set(), "msgctxt": None, "msgid_plural": None, "_strs": {}}
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, literal = match.groups()
            if keyword in ("msgctxt", "msgid") and entry is not None and "msgid" in entry:
                finish()
                entry = None
            if entry is None:
                entry = {"flags": set(), "msgctxt": None, "msgid_plural": None, "_strs": {}}
            if keyword.startswith("msgstr"):
                field = ("msgstr", int(index or 0))
                entry["_strs"][field[1]] = _unquote(literal)
            else:
                field = (keyword, None)
                entry[keyword] = _unquote(literal)
                entry.setdefault("line", number)
            continue
        match = _CONTINUATION.match(line)
        assert match and field, f"{path}:{number}: cannot read {raw!r}"
        if field[0] == "msgstr":
            entry["_strs"][field[1]] += _unquote(match.group(1))
        else:
            entry[field[0]] += _unquote(match.group(1))
    finish()
    return entries


def po_files() -> list[Path]:
    return [
        LOCALE_DIR / f"{domain}.po" for domain in DOMAINS if (LOCALE_DIR / f"{domain}.po").exists()
    ]


def compiled(po: Path) -> gettext.GNUTranslations:
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make compilemessages`"
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)


# %(name)s in Python, %s / %(name)s in JavaScript's interpolate(), {name} in str.format.
PLACEHOLDER = re.compile(
    r"%(?:\([A-Za-z_]\w*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{[A-Za-z_]?[\w.]*\}"
)


# --- (a) the login page ------------------------------------------------------------------


SUBMIT = re.compile(r"<button[^>]*type=\"submit\"[^>]*>\s*([^<]*?)\s*</button>")


@pytest.mark.django_db
def test_login_page_is_french_for_a_french_browser(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert '<html lang="fr">' in page
    assert "<title>Se connecter · Comptoir</title>" in page
    assert "Se connecter" in SUBMIT.findall(page)
    assert "Log in" not in page


@pytest.mark.django_db
def test_login_page_stays_english_by_default(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en")
    page = html.unescape(response.content.decode())
    assert '<html lang="en">' in page
    assert "<title>Log in · Comptoir</title>" in page
    assert "Log in" in SUBMIT.findall(page)
    assert "Se connecter" not in page


@pytest.mark.django_db
def test_login_error_is_french(client):
    response = client.post(
        "/login/", {"username": "nobody", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    page = html.unescape(response.content.decode())
    assert "Votre nom d'utilisateur et votre mot de passe ne correspondent pas." in page


# --- (b) models and errors ---------------------------------------------------------------


def test_choice_labels_and_verbose_names_are_french():
    with translation.override("fr"):
        assert str(AgentStatus.ACCEPTING.label) == "Accepte les discussions"
        assert str(AgentStatus.OFFLINE.label) == "Hors ligne"
        assert str(ConversationStatus.QUEUED.label) == "En file d'attente"
        assert str(CannedResponse._meta.verbose_name) == "réponse prédéfinie"
        assert str(CannedResponse._meta.verbose_name_plural) == "réponses prédéfinies"
        assert str(AgentProfile._meta.get_field("slots").verbose_name) == "créneaux"
        assert str(Ticket._meta.verbose_name) == "ticket"
    with translation.override("en"):
        assert str(ConversationStatus.QUEUED.label) == "Queued"


def test_validation_error_is_french():
    with translation.override("fr"):
        with pytest.raises(ValidationError) as caught:
            validate_timezone("Mars/Olympus_Mons")
        # The message is lazy: it is rendered in the language active when it is read.
        assert caught.value.messages == ["Mars/Olympus_Mons n'est pas un fuseau horaire connu."]


@pytest.mark.django_db
def test_service_error_is_french():
    with translation.override("fr"), pytest.raises(DomainError) as caught:
        agent_create(username="dave", password="pw", display_name="Dave", slots=0)
    assert caught.value.detail == "Le nombre de créneaux doit être un entier de 1 à 10."


# --- (c) the catalogues ------------------------------------------------------------------


def test_the_french_catalogue_exists():
    assert (LOCALE_DIR / "django.po").exists(), "run `make messages` and translate"


@pytest.mark.parametrize("po", po_files(), ids=lambda path: path.name)
def test_every_message_is_translated_and_compiled(po):
    entries = read_po(po)
    assert entries, f"{po} has no messages"
    catalogue = compiled(po)
    problems = []
    for entry in entries:
        where = f"{po.name}:{entry['line']} {entry['msgid']!r}"
        if "fuzzy" in entry["flags"]:
            problems.append(f"{where} is fuzzy")
        if not entry["msgstr"] or not all(entry["msgstr"]):
            problems.append(f"{where} is untranslated")
            continue
        sources = [entry["msgid"], entry["msgid_plural"] or ""]
        wanted = {m for source in sources for m in PLACEHOLDER.findall(source)}
        for form in entry["msgstr"]:
            found = set(PLACEHOLDER.findall(form))
            if found != wanted:
                problems.append(f"{where} has placeholders {sorted(found)}, not {sorted(wanted)}")
        if entry["msgid_plural"] and entry["msgctxt"] is not None:
            got = catalogue.npgettext(entry["msgctxt"], entry["msgid"], entry["msgid_plural"], 1)
        elif entry["msgid_plural"]:
            got = catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 1)
        elif entry["msgctxt"] is not None:
            got = catalogue.pgettext(entry["msgctxt"], entry["msgid"])
        else:
            got = catalogue.gettext(entry["msgid"])
        if got != entry["msgstr"][0]:
            problems.append(f"{where} compiles to {got!r}: run `make compilemessages`")
    assert not problems, "\n".join(problems)


def test_the_reader_reads_what_msgfmt_reads(tmp_path):
    po = tmp_path / "sample.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#: a.py:1\n#, python-format\nmsgid "%(n)d item"\nmsgid_plural "%(n)d items"\n'
        'msgstr[0] "%(n)d élément"\nmsgstr[1] ""\n"%(n)d d\'éléments"\n'
        'msgstr[2] "%(n)d éléments"\n\n'
        '#, fuzzy\nmsgctxt "verb"\nmsgid "Close"\nmsgstr "Fermer"\n\n'
        'msgid ""\n"Two "\n"lines"\nmsgstr ""\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Parti"\n',
        encoding="utf-8",
    )
    plural, fuzzy, empty = read_po(po)
    assert plural["msgstr"] == ["%(n)d élément", "%(n)d d'éléments", "%(n)d éléments"]
    assert plural["flags"] == {"python-format"}
    assert (fuzzy["msgctxt"], fuzzy["msgid"], fuzzy["flags"]) == ("verb", "Close", {"fuzzy"})
    assert (empty["msgid"], empty["msgstr"]) == ("Two lines", [""])
