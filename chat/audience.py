"""Who hears about a chat: the channel-layer groups of its visitor and its agents.

Events go to per-person groups (the assignee's, the team's while queued, supervisors'),
not to a per-chat group, so that an agent never has to join a group before the first
message of a freshly assigned chat can reach them."""

from chat.models import Conversation, ConversationStatus
from helpdesk.events import agent_group, supervisors_group, team_group, visitor_group


def agent_groups(conversation: Conversation) -> list[str]:
    """Agents who see the chat now. A blocked contact's chats reach no agent (A9)."""
    if conversation.contact.is_blocked:
        return []
    groups = [supervisors_group()]
    if conversation.status == ConversationStatus.QUEUED or conversation.assignee_id is None:
        groups.append(team_group(conversation.team_id))
    else:
        groups.append(agent_group(conversation.assignee_id))
    return groups


def visitor_groups(conversation: Conversation) -> list[str]:
    return [visitor_group(conversation.visitor_id)]
