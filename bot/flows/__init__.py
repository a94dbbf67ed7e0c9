"""Use cases that string database writes and Slack calls together, one module per family.

A flow opens its own short transactions (`bot.db.transaction(deps.session_factory)`) and calls Slack only
between them, never inside one. Handlers, the scheduler and the CLI call flows; flows call services, Block Kit
builders and bot.slack helpers, and never import handlers or the scheduler.
"""

from __future__ import annotations

import os
import socket


def process_name() -> str:
    """Who claims a run: host and process id, for the logs and the digest_run table."""
    return f"{socket.gethostname()}:{os.getpid()}"
