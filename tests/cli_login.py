"""An account for the command line tests: every command that writes, prints or exports logs in.

The account is inserted directly (no audit row), so fixtures that count audit rows keep their
counts; the hash is a real argon2 hash, so ``accounts.authenticate`` checks it as in use.
"""
from __future__ import annotations

from clinic_app.storage import accounts, clock

CLERK = ("cli_clerk", "Mingling2026x")


def add_clerk(db, role: str = "officer", username: str = CLERK[0], password: str = CLERK[1]) -> list[str]:
    """Add the account; return the arguments that log in with it."""
    db["users"].insert({"username": username, "display_name": "命令行用户", "role": role,
                        "password_hash": accounts._hasher().hash(password), "active": 1,
                        "failed_attempts": 0, "created_at": clock.now()})
    return login(username, password)


def login(username: str = CLERK[0], password: str = CLERK[1]) -> list[str]:
    return ["--user", username, "--password", password]
