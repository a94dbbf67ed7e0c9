"""Socket Mode: Bolt's handler on slack_sdk's built-in (dependency-free) WebSocket client, with two fixes."""

from __future__ import annotations

import logging
import socket
from contextlib import suppress
from functools import partial
from time import time

from slack_bolt import App
from slack_bolt.adapter.socket_mode.base_handler import BaseSocketModeHandler
from slack_bolt.adapter.socket_mode.internals import run_bolt_app, send_response
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.builtin.connection import Connection
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

logger = logging.getLogger(__name__)


class PromptSwitchClient(SocketModeClient):
    """slack_sdk's built-in client, except that moving to a new connection takes milliseconds.

    When Slack asks for a refresh, the client opens the new connection and then closes the old one; closing
    waits for the old connection's blocked read to time out (3 s), and only then does the client read from
    the new connection. Envelopes Slack sends there meanwhile would be acknowledged after Slack's 3-second
    deadline (a slash command then fails for the user). Shutting the old socket down first ends that read
    at once; closing on the way out is just as quick.
    """

    def connect(self) -> None:
        old = self.current_session
        if old is not None:
            old.close = partial(_close_now, old)  # type: ignore[method-assign]
        super().connect()

    def disconnect(self) -> None:
        if self.current_session is not None:
            _close_now(self.current_session)


def _close_now(connection: Connection) -> None:
    sock = connection.sock
    if sock is not None:
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    Connection.close(connection)


class SocketModeHandler(BaseSocketModeHandler):
    """Bolt's Socket Mode handler on PromptSwitchClient; an envelope no listener matched is still acknowledged.

    Bolt answers such a request 404, and its own handler then sends no ack at all, so Slack would redeliver
    the envelope and count a failure each time. Envelopes whose listener failed (5xx) stay unacknowledged, so
    that Slack retries them, as it does over HTTP.
    """

    def __init__(self, app: App, app_token: str) -> None:
        self.app = app
        self.client = PromptSwitchClient(app_token=app_token, logger=app.logger, web_client=app.client,
                                         proxy=app.client.proxy, ping_interval=10)
        self.client.socket_mode_request_listeners.append(self.handle)

    def handle(self, client: BaseSocketModeClient, req: SocketModeRequest) -> None:
        start = time()
        response = run_bolt_app(self.app, req)
        if response.status == 404:
            logger.info("no listener for a %s envelope; acknowledged it", req.type)
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        send_response(client, req, response, start)
