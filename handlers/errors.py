"""The one error handler: typed domain errors become messages for the user; anything else is logged with an id."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.util.utils import get_arg_names_of_callable

from bot.errors import DomainError
from bot.slack.mrkdwn import escape

logger = logging.getLogger("ctobot.errors")

# Everything a wrapped listener may ask for; Bolt injects by parameter name. `req` is the request context
# (handlers.context.Request) that `handlers.register_handlers`'s middleware built for this request.
_INJECTED = ("ack", "body", "client", "context", "logger", "respond", "say", "command", "view", "action",
             "shortcut", "event", "message", "payload")


def new_error_id() -> str:
    """A short id that ties what the user is shown to the log line."""
    return secrets.token_hex(4)


def unexpected_message(error_id: str) -> str:
    """What the user sees when something unexpected broke."""
    return (f"Sorry, something went wrong on my side and nothing was changed. "
            f"If it keeps happening, pass the CTO this error id: `{error_id}`.")


def user_errors(view_fields: dict[str, str] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap a listener so DomainErrors reach the user ephemerally (or on the modal's field) and nothing leaks."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        wanted = get_arg_names_of_callable(func)

        def wrapper(ack, body, client, context, logger, respond, say, command, view, action,  # type: ignore[no-untyped-def]
                    shortcut, event, message, payload):
            available = dict(zip(_INJECTED, (ack, body, client, context, logger, respond, say, command, view,
                                             action, shortcut, event, message, payload), strict=True))
            req = available["req"] = context.get("req")
            try:
                return func(**{name: available[name] for name in wanted})
            except DomainError as exc:
                _tell(exc.message, field=exc.field, ack=ack, body=body, client=client, context=context,
                      respond=respond, view_fields=view_fields)
            except Exception:
                error_id = new_error_id()
                logging.getLogger("ctobot.errors").exception(
                    "unexpected error %s in %s (%s)", error_id, func.__name__, body.get("type"))
                _tell(unexpected_message(error_id), field=None, ack=ack, body=body, client=client, context=context,
                      respond=respond, view_fields=view_fields)
            finally:
                if req is not None:
                    req.run_later()  # acked by now: what the request found to do may call Slack
            return None

        wrapper.__name__ = func.__name__
        wrapper.__qualname__ = func.__qualname__
        wrapper.__doc__ = func.__doc__
        return wrapper

    return decorate


def _tell(message: str, *, field: str | None, ack: Any, body: dict[str, Any], client: Any, context: BoltContext,
          respond: Any, view_fields: dict[str, str] | None) -> None:
    acked = ack.response is not None
    kind = body.get("type")
    if kind == "view_submission" and not acked:
        block_id = (view_fields or {}).get(field or "") or _first_input_block(body)
        if block_id:
            ack(response_action="errors", errors={block_id: message[:150]})  # shown as plain text
            return
    message = escape(message)  # it may quote what the user typed; shown as mrkdwn from here on
    if not acked:
        if body.get("command"):
            ack(text=message)
            return
        ack()
    if kind == "event_callback":
        return
    try:
        if respond is not None and respond.response_url:
            respond(text=message, response_type="ephemeral", replace_original=False)
            return
        channel = context.channel_id
        user = context.user_id
        if channel and user:
            client.chat_postEphemeral(channel=channel, user=user, text=message)
        elif user:
            client.chat_postMessage(channel=user, text=message)
    except Exception:
        logger.warning("could not tell user %s: %s", context.user_id, message, exc_info=True)


def _first_input_block(body: dict[str, Any]) -> str | None:
    for block in (body.get("view") or {}).get("blocks", []):
        if block.get("type") == "input":
            return block.get("block_id")
    return None


def _kind(body: Any) -> str:
    if not isinstance(body, dict):
        return "?"
    event = body.get("event")
    inner = event.get("type") if isinstance(event, dict) else None
    return f"{body.get('type')}/{inner}" if inner else str(body.get("type") or body.get("command") or "?")


def register(app: App) -> None:
    """Log anything that escapes a listener or middleware with an id; never echo it to Slack.

    A request no listener handles (an event type the app does not act on, app_rate_limited, a click on a
    button of an older version) is answered 200 instead of Bolt's 404: for events, Slack counts anything
    else as a failure, retries it and eventually disables the subscription.
    """

    @app.error
    def global_error_handler(error: Exception, body: dict[str, Any]) -> BoltResponse | None:
        if isinstance(error, BoltUnhandledRequestError):
            logger.info("no listener for a %s request; answered 200", _kind(body)[:100])
            return BoltResponse(status=200, body="")
        error_id = new_error_id()
        logger.error("unhandled error %s (%s)", error_id, body.get("type") if isinstance(body, dict) else "?",
                     exc_info=error)
        return None
