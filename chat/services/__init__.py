"""Writes of the chat domain. Every entry point (REST views, socket consumers, admin
actions, tasks) calls these; each emits its events once its transaction commits."""
