"""Quoted history is cut for display only, and only at the end of an email."""

import pytest

from tickets.email.quoting import display_length


def shown(text):
    length = display_length(text)
    return text if length is None else text[:length]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks!\n\nOn Mon, Jan 5, 2026 at 9:00 AM Support <s@x> wrote:\n> old", "Thanks!"),
        (
            "Thanks!\n\nOn Mon, Jan 5, 2026 at 9:00 AM Support Team <\n"
            "support@x.com> wrote:\n> old",
            "Thanks!",
        ),
        ("Merci !\n\nLe lun. 5 janv. 2026 à 09:00, Support <s@x> a écrit :\n> ancien", "Merci !"),
        ("Ok\n\n-----Original Message-----\nFrom: Support\nSent: today", "Ok"),
        (
            "Ok\n\n________________________________\n"
            "From: Support <s@x>\nSent: Monday\nTo: me\nSubject: Re",
            "Ok",
        ),
        ("Ok\n\nDe : Support <s@x>\nEnvoyé : lundi\nÀ : moi\nObjet : Re", "Ok"),
        ("New text\n##- Please type your reply above this line -##\nold", "New text"),
        ("New text\n\n> quoted line\n> another\n", "New text"),
        ("No quote at all.\nTwo lines.", "No quote at all.\nTwo lines."),
        # Inline answers between quotes are kept whole.
        ("> question one\nanswer one\n> question two\nanswer two", None),
        # Only a quote: nothing would be left, so everything shows.
        ("> everything quoted", None),
        ("From: me, a happy customer. Thanks!", None),
    ],
)
def test_display_cuts_only_the_trailing_quoted_history(text, expected):
    assert shown(text) == (text if expected is None else expected)
