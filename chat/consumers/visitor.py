"""The visitor's socket, ``/ws/visitor/?token=…`` (CONTRACT.md, "Visitor socket")."""

from urllib.parse import parse_qs

from django.conf import settings
from django.utils.translation import gettext as _

from analytics.services import chat_rating_submit
from chat import events, origins, visitor_presence
from chat.consumers.base import (
    CLOSE_FORBIDDEN,
    CLOSE_UNAUTHORIZED,
    FrameConsumer,
    call,
    supported_language,
)
from chat.errors import ErrorCode
from chat.selectors import (
    attachments_by_message,
    messages_after,
    sync_cursor,
    visitor_sync_conversation,
)
from chat.services import assignment, conversations, messages, presence, sessions, transcripts
from helpdesk.errors import DomainError, PermissionDenied
from helpdesk.events import visitor_group


class VisitorConsumer(FrameConsumer):
    handlers = {
        "prechat.submit": "on_prechat",
        "message.send": "on_message",
        "typing": "on_typing",
        "page.view": "on_page",
        "sync": "on_sync",
        "rating.submit": "on_rating",
        "transcript.request": "on_transcript",
        "conversation.close": "on_close",
    }

    async def start(self):
        token = parse_qs(self.scope.get("query_string", b"").decode()).get("token", [""])[0]
        try:
            self.visitor, position = await call(self._arrive)(token)
        except DomainError as error:
            code = CLOSE_FORBIDDEN if isinstance(error, PermissionDenied) else CLOSE_UNAUTHORIZED
            await self.refuse(code)
            return
        self.counted = True
        self.page = None
        self.language = supported_language(self.visitor.widget.language or self.visitor.language)
        await self.join([visitor_group(self.visitor.pk)])
        await self.accept()
        if position:
            await self.send_json(position)

    def _arrive(self, token):
        """Everything a handshake asks of the database and the cache, in one trip to a
        worker thread: who the token names, whether this origin may embed their widget,
        counting the socket (W5, live visitors), and a queued visitor's place."""
        visitor = sessions.visitor_from_token(token)
        if not origins.is_allowed_for_widget(self.scope, visitor.widget.allowed_origins):
            raise PermissionDenied(
                ErrorCode.ORIGIN_NOT_ALLOWED, _("This site may not open the chat.")
            )
        visitor_presence.visitor_connected(visitor.pk)
        return visitor, assignment.queue_position_of_visitor(visitor)

    async def disconnect(self, code):
        await super().disconnect(code)
        if getattr(self, "counted", False):
            await call(visitor_presence.visitor_disconnected)(self.visitor.pk)
            await call(self._schedule_abandon_check)()

    def _schedule_abandon_check(self):
        """An unanswered chat the visitor does not come back to is missed (R7)."""
        from chat.tasks import check_visitor_abandoned, enqueue_after

        if presence.unanswered_conversation(self.visitor.pk) is not None:
            grace = settings.VISITOR_ABANDON_GRACE_S + 1
            enqueue_after(grace, check_visitor_abandoned, str(self.visitor.pk))

    def _open_conversation(self):
        conversation = sessions.open_conversation(self.visitor)
        if conversation is None:
            raise DomainError(ErrorCode.NO_CONVERSATION, _("There is no open chat."))
        return conversation

    async def on_prechat(self, frame):
        self.visitor = await call(sessions.visitor_prechat_submit)(
            visitor=self.visitor,
            name=frame.get("name") or "",
            email=frame.get("email") or "",
            fields=frame.get("fields") or {},
        )
        await self.send_json({"type": "prechat.ack"})

    async def on_message(self, frame):
        def send():
            message, created = messages.visitor_message_send(
                visitor=self.visitor,
                client_id=frame.get("client_id", ""),
                body=frame.get("body"),
                attachment_ids=frame.get("attachments"),
                page=self.page,
            )
            # A new message sent without attachments has none: no query to find out.
            attachments = [] if created and not frame.get("attachments") else None
            return events.message_payload(message, attachments)

        stored = None
        if not frame.get("attachments"):
            stored = await messages.visitor_message_send_on_loop(
                visitor=self.visitor, client_id=frame.get("client_id", ""), body=frame.get("body")
            )
        payload = events.message_payload(stored, []) if stored else await call(send)()
        await self.send_json(
            {"type": "message.ack", "client_id": payload["client_id"], "message": payload}
        )

    async def on_typing(self, frame):
        def relay():
            conversation = sessions.open_conversation(self.visitor)
            if conversation is not None:
                presence.visitor_typing_relay(
                    conversation=conversation, preview=frame.get("preview", "")
                )

        await call(relay)()

    async def on_page(self, frame):
        self.page = presence.clean_page(frame)

        def record():
            presence.visitor_page_record(visitor=self.visitor, page=self.page)
            conversation = sessions.open_conversation(self.visitor)
            if conversation is not None:
                presence.visitor_page_view(conversation=conversation, page=self.page)

        await call(record)()

    async def on_sync(self, frame):
        sync_cursor(frame.get("after"))

        def read():
            conversation = visitor_sync_conversation(self.visitor)
            if conversation is None:
                return []
            found = messages_after(conversation, frame.get("after"), include_internal=False)
            attachments = attachments_by_message(found)
            return [events.message_payload(m, attachments.get(m.pk, [])) for m in found]

        await self.send_json({"type": "sync.result", "messages": await call(read)()})

    async def on_rating(self, frame):
        rating = await call(chat_rating_submit)(
            visitor=self.visitor, score=frame.get("score"), comment=frame.get("comment") or ""
        )
        await self.send_json({"type": "rating.ack", "score": rating.score})

    async def on_transcript(self, frame):
        await call(transcripts.transcript_request)(visitor=self.visitor, email=frame.get("email"))
        await self.send_json({"type": "transcript.ack"})

    async def on_close(self, frame):
        def close():
            conversations.conversation_close(conversation=self._open_conversation())

        await call(close)()
