"""WebSocket routes. Origin checks and authentication happen in the consumers, which know
the widget's allowed origins and accept token headers as well as session cookies."""

websocket_urlpatterns: list = []
