"""The agent's socket, ``/ws/agent/`` (CONTRACT.md, "Agent socket")."""

import asyncio

from django.conf import settings

from accounts.models import AgentProfile, AgentStatus
from accounts.roles import is_agent, is_supervisor
from chat import events, origins
from chat.consumers.base import (
    CLOSE_FORBIDDEN,
    CLOSE_UNAUTHORIZED,
    FrameConsumer,
    call,
    supported_language,
)
from chat.selectors import attachments_by_message, conversation_get_for_agent, messages_after
from chat.services import conversations, messages, presence
from helpdesk.events import agent_group, supervisors_group, team_group


class AgentConsumer(FrameConsumer):
    handlers = {
        "status.set": "on_status",
        "message.send": "on_message",
        "typing": "on_typing",
        "conversation.transfer": "on_transfer",
        "conversation.close": "on_close",
        "conversation.title": "on_title",
        "sync": "on_sync",
    }
    heartbeat_s = 20

    async def start(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse(CLOSE_UNAUTHORIZED)
            return
        cookie_auth = not self.scope.get("token_auth", False)
        if (cookie_auth and not origins.is_own_origin(self.scope)) or not await call(is_agent)(
            user
        ):
            await self.refuse(CLOSE_FORBIDDEN)
            return
        self.user = user
        self.profile, groups = await call(self._load)()
        self.language = supported_language(self.profile.language)
        await self.join(groups)
        await self.accept()
        await self.send_json(events.agent_status(self.profile))
        self.heartbeat = asyncio.ensure_future(self._beat())

    async def _beat(self):
        """Keep ``last_seen_at`` fresh while connected, for the offline grace period."""
        while True:
            await call(presence.agent_seen)(user_id=self.user.pk)
            await asyncio.sleep(self.heartbeat_s)

    async def disconnect(self, code):
        await super().disconnect(code)
        if getattr(self, "heartbeat", None) is None:
            return
        self.heartbeat.cancel()
        await call(presence.agent_seen)(user_id=self.user.pk)
        await call(self._schedule_presence_check)()

    def _schedule_presence_check(self):
        """Offline after the grace period unless the agent comes back (A1)."""
        from chat.tasks import check_agent_presence, enqueue_after

        enqueue_after(settings.AGENT_OFFLINE_GRACE_S + 1, check_agent_presence, self.user.pk)

    def _load(self):
        profile = AgentProfile.objects.select_related("user").get(user=self.user)
        if profile.status == AgentStatus.OFFLINE:
            profile.status = AgentStatus.NOT_ACCEPTING
            profile.save(update_fields=["status"])
        groups = [agent_group(self.user.pk)]
        groups += [team_group(team_id) for team_id in profile.teams.values_list("id", flat=True)]
        if is_supervisor(self.user):
            groups.append(supervisors_group())
        return profile, groups

    def _conversation(self, frame):
        return conversation_get_for_agent(self.user, frame.get("conversation"))

    async def on_status(self, frame):
        self.profile = await call(presence.agent_status_set)(
            profile=self.profile, status=frame.get("status")
        )
        await self.send_json(events.agent_status(self.profile))

    async def on_message(self, frame):
        def send():
            message, created = messages.agent_message_send(
                agent=self.user,
                conversation=self._conversation(frame),
                client_id=frame.get("client_id", ""),
                body=frame.get("body"),
                internal=bool(frame.get("internal", False)),
                attachment_ids=frame.get("attachments"),
            )
            attachments = [] if created and not frame.get("attachments") else None
            return events.message_payload(message, attachments)

        payload = await call(send)()
        await self.send_json(
            {"type": "message.ack", "client_id": payload["client_id"], "message": payload}
        )

    async def on_typing(self, frame):
        def relay():
            presence.agent_typing_relay(
                conversation=self._conversation(frame), typing=frame.get("typing", False)
            )

        await call(relay)()

    async def on_transfer(self, frame):
        def transfer():
            conversations.conversation_transfer(
                conversation=self._conversation(frame),
                actor=self.user,
                agent_id=frame.get("agent"),
                team_id=frame.get("team"),
                note=frame.get("note") or "",
            )

        await call(transfer)()

    async def on_close(self, frame):
        def close():
            conversations.conversation_close(
                conversation=self._conversation(frame), actor=self.user
            )

        await call(close)()

    async def on_title(self, frame):
        def retitle():
            conversations.conversation_set_title(
                conversation=self._conversation(frame), title=frame.get("title")
            )

        await call(retitle)()

    async def on_sync(self, frame):
        def read():
            conversation = self._conversation(frame)
            found = messages_after(conversation, frame.get("after"), include_internal=True)
            attachments = attachments_by_message(found)
            payloads = [events.message_payload(m, attachments.get(m.pk, [])) for m in found]
            return conversation.pk, payloads

        conversation_id, found = await call(read)()
        await self.send_json(
            {"type": "sync.result", "conversation": conversation_id, "messages": found}
        )
