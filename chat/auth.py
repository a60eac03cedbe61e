"""Token authentication for the agent socket: ``Authorization: Token KEY`` on the
handshake, for programs that have no session cookie."""

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware

from accounts.selectors import api_token_user


class TokenAuthMiddleware(BaseMiddleware):
    """Sets ``scope["user"]`` from a token header when present, and ``token_auth`` so
    that the consumer skips the Origin check meant for cookies."""

    async def __call__(self, scope, receive, send):
        header = dict(scope.get("headers", [])).get(b"authorization", b"").decode("latin-1")
        keyword, _, key = header.partition(" ")
        if keyword.lower() == "token" and key.strip():
            user = await database_sync_to_async(api_token_user)(key.strip())
            if user is not None:
                scope = dict(scope, user=user, token_auth=True)
        return await super().__call__(scope, receive, send)


def AgentAuthStack(inner):  # noqa: N802 (named like Channels' AuthMiddlewareStack)
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))
