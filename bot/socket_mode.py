"""Socket Mode: Bolt's built-in SocketModeHandler (slack_sdk's dependency-free WebSocket client)."""

from __future__ import annotations

import logging
from time import time

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.socket_mode.internals import run_bolt_app, send_response
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

logger = logging.getLogger(__name__)


class AckingSocketModeHandler(SocketModeHandler):
    """Bolt's handler, except that an envelope no listener matched is still acknowledged.

    Bolt answers such a request 404, and its handler then sends no ack at all, so Slack would redeliver the
    envelope and count a failure each time. Envelopes whose listener failed (5xx) stay unacknowledged, so that
    Slack retries them, as it does over HTTP.
    """

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        start = time()
        response = run_bolt_app(self.app, req)
        if response.status == 404:
            logger.info("no listener for a %s envelope; acknowledged it", req.type)
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        send_response(client, req, response, start)
