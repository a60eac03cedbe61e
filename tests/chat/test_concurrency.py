"""Assignment under concurrency: racing chats never over-fill an agent (R1, R2).

Runs on whichever database the suite uses; in CI that includes PostgreSQL, where the
row locks of chat.services.assignment do the work."""

import threading

import pytest
from django.db import connection

from chat.models import Conversation, ConversationStatus
from chat.services import messages
from tests.chat.conftest import make_agent

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 6


def test_chats_racing_for_the_last_slot_never_overfill_an_agent(support, start_session):
    alice = make_agent(support, "alice", slots=2)
    visitors = [start_session().visitor for _ in range(RACERS)]
    barrier = threading.Barrier(RACERS)
    errors = []

    def race(visitor):
        try:
            barrier.wait(timeout=10)
            messages.visitor_message_send(visitor=visitor, client_id="c1", body="Hi")
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(v,)) for v in visitors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert Conversation.objects.count() == RACERS
    active = Conversation.objects.filter(assignee=alice.user, status=ConversationStatus.ACTIVE)
    assert active.count() == alice.slots
    assert Conversation.objects.filter(status=ConversationStatus.QUEUED).count() == RACERS - 2
