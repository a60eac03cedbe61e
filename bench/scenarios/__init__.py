"""The benchmark's scenarios, numbered as in issue 8: chat (1, 2, 3), sockets (4, 5),
rest (6, 7) and widget (8)."""
