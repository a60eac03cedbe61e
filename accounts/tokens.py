"""API token keys: generated once, shown once, stored as a SHA-256 digest.

A key is 40 random bytes, so a fast digest is as safe as a slow one and keeps each
authenticated request to one indexed lookup."""

import hashlib
import secrets

PREFIX_LENGTH = 8


def new_key() -> str:
    return secrets.token_urlsafe(40)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def prefix(key: str) -> str:
    return key[:PREFIX_LENGTH]
