"""What real Slack refuses in `blocks` and `view` arguments, for the fake Web API and the request sender.

Two layers. First slack_sdk's own models: every block goes through ``Block.parse(...).to_dict()`` (which runs
``validate_json()`` on the block and on every object nested in it) and every view through
``View(**view).to_dict()``. slack_sdk enforces, among others: section text <= 3,000 and <= 10 fields; header
text <= 150; context elements <= 10; actions elements <= 25; block_id and action_id <= 255; button text <= 75
and value <= 2,000; checkbox/radio option text <= 75; placeholder <= 150; view title 1-24, submit/close <= 24,
1-100 blocks, private_metadata <= 3,000, callback_id <= 255; a Home tab has no submit/close.

Second, Slack's documented limits that slack_sdk leaves unchecked (written here because no library checks
them; see https://docs.slack.dev/reference/block-kit/): blocks of unknown type or elements of unknown type;
empty text objects; plain_text where Slack allows nothing else (header, button, option in a select, label,
placeholder, title, submit, close); section field text <= 2,000; option text <= 75, value <= 150 and
description <= 75 in every element (slack_sdk skips selects); <= 100 options in a select, <= 10 in checkboxes
and radio buttons, 2-5 in an overflow menu; initial options that are not among the options; confirm dialog
title <= 100, text <= 300, confirm/deny <= 30; plain_text_input max_length <= 3,000 and an initial value within
it; a multi-select's max_selected_items >= 1 and its initial users / conversations / channels / options no more
than that, each a string id; a block_id used twice in one message or view; an action_id used twice in one
block; <= 50 blocks in a message; a modal with input blocks but no submit button; external_id <= 255; top-level
text <= 40,000.

Each check returns Slack-style messages, ``"[ERROR] <what> [json-pointer:/blocks/3/text/text]"``; an empty list
means Slack would take the payload.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
MESSAGE_TEXT_MAX = 40_000

BLOCK_TYPES = frozenset({"actions", "context", "divider", "file", "header", "image", "input", "markdown",
                         "rich_text", "section", "video", "table", "context_actions"})
INTERACTIVE = frozenset({
    "button", "checkboxes", "datepicker", "datetimepicker", "email_text_input", "file_input", "number_input",
    "overflow", "plain_text_input", "radio_buttons", "rich_text_input", "timepicker", "url_text_input",
    "workflow_button", "static_select", "external_select", "users_select", "conversations_select",
    "channels_select", "multi_static_select", "multi_external_select", "multi_users_select",
    "multi_conversations_select", "multi_channels_select"})
WHERE_ELEMENTS_GO = {  # block type -> (field, element types allowed there)
    "actions": ("elements", INTERACTIVE - {"plain_text_input", "email_text_input", "number_input",
                                          "url_text_input", "file_input", "rich_text_input"}),
    "context": ("elements", frozenset({"image", "mrkdwn", "plain_text"})),
    "input": ("element", INTERACTIVE - {"button", "overflow", "workflow_button"}),
    "section": ("accessory", (INTERACTIVE | {"image"}) - {"plain_text_input", "email_text_input", "number_input",
                                                         "url_text_input", "file_input", "rich_text_input"}),
}
OPTIONS_MAX = {"checkboxes": 10, "radio_buttons": 10, "overflow": 5, "static_select": 100,
               "multi_static_select": 100}
OPTIONS_MIN = {"overflow": 2}
PLAIN_ONLY = {  # block type -> {field: maximum length}: plain_text objects; the first field is required
    "header": {"text": 150}, "input": {"label": 2000, "hint": 2000},
}
CONFIRM_LIMITS = {"title": 100, "text": 300, "confirm": 30, "deny": 30}
TEXT_TYPES = ("plain_text", "mrkdwn")


class _Check:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, pointer: str, what: str) -> None:
        self.errors.append(f"[ERROR] {what} [json-pointer:{pointer}]")

    def text_object(self, value: Any, pointer: str, *, max_len: int | None = None, plain: bool = False) -> None:
        if not isinstance(value, dict) or value.get("type") not in TEXT_TYPES:
            self.fail(pointer, "must be a text object (plain_text or mrkdwn)")
            return
        if plain and value["type"] != "plain_text":
            self.fail(pointer + "/type", "must be plain_text")
        text = value.get("text")
        if not isinstance(text, str) or not text:
            self.fail(pointer + "/text", "must be at least 1 character")
        elif max_len is not None and len(text) > max_len:
            self.fail(pointer + "/text", f"must be at most {max_len} characters (is {len(text)})")

    def string(self, value: Any, pointer: str, max_len: int) -> None:
        if value is not None and (not isinstance(value, str) or len(value) > max_len):
            self.fail(pointer, f"must be a string of at most {max_len} characters")

    # blocks

    def blocks(self, blocks: Any, pointer: str, max_blocks: int) -> None:
        if not isinstance(blocks, list):
            self.fail(pointer, "must be an array of blocks")
            return
        if len(blocks) > max_blocks:
            self.fail(pointer, f"no more than {max_blocks} items allowed (has {len(blocks)})")
        block_ids: set[str] = set()
        for n, block in enumerate(blocks):
            where = f"{pointer}/{n}"
            if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
                self.fail(where, "unsupported block type")
                continue
            self.by_slack_sdk(block, where)
            block_id = block.get("block_id")
            if block_id is not None:
                if block_id in block_ids:
                    self.fail(where + "/block_id", f"duplicate block_id {block_id!r}")
                block_ids.add(block_id)
            self.block(block, where)

    def by_slack_sdk(self, block: dict[str, Any], pointer: str) -> None:
        try:
            parsed = Block.parse(copy.deepcopy(block))
            if parsed is None:
                self.fail(pointer, "unsupported block type")
            else:
                parsed.to_dict()  # validate_json() on the block and on everything nested in it
        except Exception as exc:  # SlackObjectFormationError, or a TypeError for a missing required field
            self.fail(pointer, f"slack_sdk: {exc}")

    def block(self, block: dict[str, Any], pointer: str) -> None:
        kind = block["type"]
        for n, (field, max_len) in enumerate(PLAIN_ONLY.get(kind, {}).items()):
            if n == 0 or field in block:
                self.text_object(block.get(field), f"{pointer}/{field}", max_len=max_len, plain=True)
        if kind == "section":
            if "text" in block:
                self.text_object(block["text"], pointer + "/text", max_len=3000)
            for n, field in enumerate(block.get("fields") or []):
                self.text_object(field, f"{pointer}/fields/{n}", max_len=2000)
        if kind in WHERE_ELEMENTS_GO:
            field, allowed = WHERE_ELEMENTS_GO[kind]
            value = block.get(field)
            elements = value if isinstance(value, list) else [] if value is None else [value]
            action_ids: set[str] = set()
            for n, element in enumerate(elements):
                where = f"{pointer}/{field}" + (f"/{n}" if isinstance(value, list) else "")
                if not isinstance(element, dict) or element.get("type") not in allowed:
                    self.fail(where, f"unsupported element type in a {kind} block")
                    continue
                action_id = element.get("action_id")
                if action_id is not None:
                    if action_id in action_ids:
                        self.fail(where + "/action_id", f"duplicate action_id {action_id!r} in one block")
                    action_ids.add(action_id)
                if element["type"] in TEXT_TYPES:
                    self.text_object(element, where)
                else:
                    self.element(element, where)

    def element(self, element: dict[str, Any], pointer: str) -> None:
        kind = element["type"]
        self.string(element.get("action_id"), pointer + "/action_id", 255)
        if kind == "button":
            self.text_object(element.get("text"), pointer + "/text", max_len=75, plain=True)
            self.string(element.get("value"), pointer + "/value", 2000)
            self.string(element.get("url"), pointer + "/url", 3000)
        if "placeholder" in element:
            self.text_object(element["placeholder"], pointer + "/placeholder", max_len=150, plain=True)
        if "confirm" in element:
            confirm = element["confirm"] if isinstance(element["confirm"], dict) else {}
            for field, max_len in CONFIRM_LIMITS.items():
                if field in confirm or field in ("title", "text"):
                    self.text_object(confirm.get(field), f"{pointer}/confirm/{field}", max_len=max_len,
                                     plain=field != "text")
        if kind == "plain_text_input":
            max_length = element.get("max_length", 3000)
            if not isinstance(max_length, int) or not 1 <= max_length <= 3000:
                self.fail(pointer + "/max_length", "must be between 1 and 3000")
                max_length = 3000
            initial = element.get("initial_value")
            if initial is not None:
                self.string(initial, pointer + "/initial_value", max_length)
        if "options" in element or kind in OPTIONS_MAX:
            self.options(element, pointer)
        if kind.startswith("multi_"):
            self.multi_select(element, pointer)

    def multi_select(self, element: dict[str, Any], pointer: str) -> None:
        most = element.get("max_selected_items")
        if most is not None and (not isinstance(most, int) or isinstance(most, bool) or most < 1):
            self.fail(pointer + "/max_selected_items", "must be an integer of at least 1")
            most = None
        for field in ("initial_users", "initial_conversations", "initial_channels", "initial_options"):
            initial = element.get(field)
            if initial is None:
                continue
            if not isinstance(initial, list):
                self.fail(f"{pointer}/{field}", "must be an array")
                continue
            if most is not None and len(initial) > most:
                self.fail(f"{pointer}/{field}", f"must have at most max_selected_items ({most}) items "
                                                f"(has {len(initial)})")
            if field != "initial_options":
                for n, value in enumerate(initial):
                    if not isinstance(value, str) or not value:
                        self.fail(f"{pointer}/{field}/{n}", "must be a non-empty string id")

    def options(self, element: dict[str, Any], pointer: str) -> None:
        kind, options = element["type"], element.get("options")
        if not isinstance(options, list):
            if "option_groups" not in element:
                self.fail(pointer + "/options", "must be an array of options")
            return
        if len(options) > OPTIONS_MAX.get(kind, 100) or len(options) < OPTIONS_MIN.get(kind, 1):
            self.fail(pointer + "/options", f"must have {OPTIONS_MIN.get(kind, 1)} to "
                                            f"{OPTIONS_MAX.get(kind, 100)} options (has {len(options)})")
        plain = kind not in ("checkboxes", "radio_buttons")  # only these two may show mrkdwn options
        for n, option in enumerate(options):
            where = f"{pointer}/options/{n}"
            if not isinstance(option, dict):
                self.fail(where, "must be an option object")
                continue
            self.text_object(option.get("text"), where + "/text", max_len=75, plain=plain)
            self.string(option.get("value"), where + "/value", 150)
            if "description" in option:
                self.text_object(option["description"], where + "/description", max_len=75, plain=plain)
        initial = element.get("initial_options", [])
        initial = [element["initial_option"]] if "initial_option" in element else initial
        canonical = [json.dumps(o, sort_keys=True) for o in options]
        for n, option in enumerate(initial if isinstance(initial, list) else [initial]):
            if json.dumps(option, sort_keys=True) not in canonical:
                field = "initial_option" if "initial_option" in element else f"initial_options/{n}"
                self.fail(f"{pointer}/{field}", "must match one of the provided options exactly")


def message_errors(args: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a chat.postMessage / chat.update / chat.postEphemeral / response_url payload."""
    check = _Check()
    text = args.get("text")
    if isinstance(text, str) and len(text) > MESSAGE_TEXT_MAX:
        check.fail("/text", f"must be at most {MESSAGE_TEXT_MAX} characters (is {len(text)})")
    if args.get("blocks") is not None:
        check.blocks(args["blocks"], "/blocks", MESSAGE_BLOCKS_MAX)
    return check.errors


def view_errors(view: Any, pointer: str = "/view") -> list[str]:
    """What Slack would refuse in a views.open / push / update / publish `view`, or a response_action view."""
    check = _Check()
    if not isinstance(view, dict):
        check.fail(pointer, "must be a view object")
        return check.errors
    try:
        View(**copy.deepcopy(view)).validate_json()  # the view itself; its blocks are checked one by one below
    except Exception as exc:
        check.fail(pointer, f"slack_sdk: {exc}")
    kind = view.get("type")
    if kind == "modal":
        check.text_object(view.get("title"), pointer + "/title", max_len=24, plain=True)
        for field in ("submit", "close"):
            if view.get(field) is not None:
                check.text_object(view[field], f"{pointer}/{field}", max_len=24, plain=True)
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or [])
        if has_input and view.get("submit") is None:
            check.fail(pointer + "/submit", "a modal with input blocks needs a submit button")
    check.string(view.get("external_id"), pointer + "/external_id", 255)
    check.blocks(view.get("blocks"), pointer + "/blocks", VIEW_BLOCKS_MAX)
    return check.errors
