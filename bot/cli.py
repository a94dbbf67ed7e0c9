"""The `ctobot` command line: run, serve, clock, migrate, check, client, digest, close, export."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from pydantic import ValidationError

from bot import __version__, calendar
from bot.errors import DomainError
from bot.redact import mask_url
from bot.settings import Settings, get_settings

logger = logging.getLogger("ctobot")


EXPORT_KINDS = ("hours", "questions", "reviews", "decisions", "risks", "findings", "vendors", "roadmap", "systems",
                "adr", "handover")


class CliError(Exception):
    """A problem the operator must fix; printed to stderr, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `ctobot` and `python -m bot`."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        settings = get_settings()
    except ValidationError as exc:
        _print_settings_errors(exc)
        return 2
    from bot import clock
    from bot.redact import configure_logging

    configure_logging(settings.log_level, settings.secret_values())
    clock.use(clock.from_setting(settings.ctobot_now))
    try:
        return int(args.handler(settings, args) or 0)
    except (CliError, DomainError) as exc:
        print(f"ctobot: {getattr(exc, 'message', None) or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every verb."""
    parser = argparse.ArgumentParser(prog="ctobot", description="A fractional CTO's assistant in Slack.")
    parser.add_argument("--version", action="version", version=f"ctobot {__version__}")
    verbs = parser.add_subparsers(title="commands", metavar="COMMAND")

    def verb(name: str, handler: Callable[[Settings, argparse.Namespace], int | None],
             help_text: str) -> argparse.ArgumentParser:
        sub = verbs.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    verb("run", cmd_run, "The whole app in one process (Socket Mode or HTTP, plus the scheduler); migrates first.")
    verb("serve", cmd_serve, "The HTTP server only (production web process).")
    verb("clock", cmd_clock, "The scheduler only (production clock process).")
    verb("migrate", cmd_migrate, "Apply database migrations.")
    verb("check", cmd_check, "Check the settings, the database and the Slack token.")

    client = verbs.add_parser("client", help="Manage client engagements.", description="Manage client engagements.")
    client_verbs = client.add_subparsers(title="client commands", metavar="ACTION")
    add = client_verbs.add_parser("add", help="Create (or update) an engagement and link a channel to it.")
    add.set_defaults(handler=cmd_client_add)
    add.add_argument("name", help="short name, e.g. acme")
    add.add_argument("--channel", required=True, help="Slack channel id, e.g. C012AB3CD")
    add.add_argument("--team", default=None, help="Slack workspace id (required in OAuth mode)")
    add.add_argument("--tier", required=True, help="advisory, growth, active, full or custom")
    add.add_argument("--start", required=True, type=_iso_date, help="start date, YYYY-MM-DD")
    add.add_argument("--tz", required=True, help="IANA time zone, e.g. Europe/London")
    add.add_argument("--cto", action="append", default=[], help="CTO user id (repeat or comma-separate)")
    add.add_argument("--founder", action="append", default=[], help="founder user id (repeat or comma-separate)")
    add.add_argument("--decider", action="append", default=None,
                     help="who may accept and reject decisions (repeat or comma-separate; default: the founders "
                          "and the CTOs; --decider '' goes back to that default)")
    add.add_argument("--digest", default="fri 16:00", help='weekly digest slot, e.g. "fri 16:00"')
    add.add_argument("--display-name", default=None, help="name shown in Slack (default: from NAME)")
    add.add_argument("--hours", default=None, help="monthly hours band, e.g. 12-15 (needed for custom)")
    add.add_argument("--target", type=float, default=None, help="first-response target in business hours")
    add.add_argument("--llm-consent", action="store_true", help="the client consents to LLM-drafted ADRs")
    add.add_argument("--rollover", type=int, default=None, metavar="H",
                     help="hours of last month's unused floor carried into the next month's band (default 0)")
    add.add_argument("--grace", type=int, default=None, metavar="DAYS",
                     help="business days the CTO has to close a month before its statement goes out (default 2)")
    add.add_argument("--end", type=_end_date, default=None, metavar="YYYY-MM-DD",
                     help="the engagement's last day (none removes it); after it no digests, the handover is due")
    add.add_argument("--owner", default=None, metavar="U…",
                     help="the client's internal owner, who inherits the handover (none removes it)")
    add.add_argument("--checkin", default=None, choices=("none", "monthly", "quarterly"),
                     help="post-handover check-ins by DM to the CTO and the owner, after the end date")
    lst = client_verbs.add_parser("list", help="List engagements and their channels.")
    lst.set_defaults(handler=cmd_client_list)

    verb("status", cmd_status, "Every engagement this month: hours to the floor and the top, overdue artifacts, "
                               "open high risks, next digest and statement.")

    digest_parser = verb("digest", cmd_digest, "Print (or post once) an engagement's weekly digest.")
    digest_parser.add_argument("--client", required=True, help="the engagement's short name")
    digest_parser.add_argument("--week", default=None, help="ISO week, e.g. 2026-W47 (default: this week)")
    digest_parser.add_argument("--post", action="store_true", help="post it to the primary channel, once per week")
    digest_parser.add_argument("--force", action="store_true", help="with --post: post again even if posted")
    digest_parser.add_argument("--format", choices=("text", "slack"), default="text",
                               help="text (default): for a terminal; slack: the Block Kit message as JSON")
    digest_parser.add_argument("--team", default=None, help="workspace id, when two workspaces use the same name")

    close = verb("close", cmd_close, "Close a month and send its statement (the CLI twin of `/cto close`).")
    close.add_argument("--client", required=True, help="the engagement's short name")
    close.add_argument("--month", required=True, help="YYYY-MM, a month that is over")
    close.add_argument("--team", default=None, help="workspace id, when two workspaces use the same name")

    export = verb("export", cmd_export, "Export an engagement's records.")
    export.add_argument("kind", choices=EXPORT_KINDS, help="what to export")
    export.add_argument("--client", required=True, help="the engagement's short name")
    export.add_argument("--format", choices=("csv", "json", "md"), default=None, help="default: csv for hours")
    export.add_argument("--out", default=None, help="file (or folder for adr) to write; default: stdout")
    export.add_argument("--month", default=None, help="YYYY-MM (hours); default: this month")
    export.add_argument("--team", default=None, help="workspace id, when two workspaces use the same name")
    return parser


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in YYYY-MM-DD form") from None


def _end_date(text: str) -> date | str:
    return "none" if text.strip().lower() == "none" else _iso_date(text)


def _print_settings_errors(exc: ValidationError) -> None:
    print("ctobot: the settings are not valid:", file=sys.stderr)
    for error in exc.errors():
        name = str(error["loc"][0]).upper() if error["loc"] else "?"
        print(f"  {name}: {error['msg']}", file=sys.stderr)


def _split_ids(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


# --- database ---------------------------------------------------------------------------------------------


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.migrate import upgrade

    upgrade(settings.database_url)
    print(f"database is up to date ({mask_url(settings.database_url)})")
    return 0


def ensure_schema(settings: Settings, *, migrate: bool) -> None:
    """Migrate (when `migrate`) or refuse to start on a database behind the code."""
    from bot.db import make_engine
    from bot.db.migrations import HEAD

    if not migrate and _stored_revision(settings.database_url) == HEAD:
        return  # the usual start: no need to load Alembic
    from bot.db.migrate import current_revision, head_revision, upgrade

    if migrate:
        upgrade(settings.database_url)
        return
    engine = make_engine(settings.database_url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    if current != head_revision():
        if settings.database_url.startswith("sqlite"):
            upgrade(settings.database_url)
            return
        raise CliError(f"the database is at migration {current or 'none'}, the code needs {head_revision()}: "
                       "run `ctobot migrate` first")


def _stored_revision(url: str) -> str | None:
    """The database's alembic_version, read without Alembic (None when there is none, or it cannot be read)."""
    from sqlalchemy import text

    from bot.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        return None
    finally:
        engine.dispose()


@contextmanager
def _database(settings: Settings, *, migrate: bool = False) -> Iterator[Any]:
    """An engine on a database at the code's migration, disposed afterwards."""
    from bot.db import make_engine

    ensure_schema(settings, migrate=migrate)
    engine = make_engine(settings.database_url)
    try:
        yield engine
    finally:
        engine.dispose()



# --- serving ----------------------------------------------------------------------------------------------


def _require_slack(settings: Settings) -> None:
    problems = slack_setting_problems(settings)
    if problems:
        raise CliError("cannot start: " + "; ".join(problems) + " (see .env.example, or run `ctobot check`)")


def slack_setting_problems(settings: Settings) -> list[str]:
    """What is missing or wrong in the Slack settings, one phrase each."""
    problems = []
    if settings.slack_signing_secret is None and not settings.socket_mode:
        problems.append("SLACK_SIGNING_SECRET is not set")
    if bool(settings.slack_client_id) != bool(settings.slack_client_secret):
        missing = "SLACK_CLIENT_SECRET" if settings.slack_client_id else "SLACK_CLIENT_ID"
        problems.append(f"{missing} is not set (OAuth mode needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)")
    elif not settings.oauth_enabled and settings.slack_bot_token is None:
        problems.append("SLACK_BOT_TOKEN is not set (or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for OAuth mode)")
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    if token is not None and not token.startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN should be a bot token starting with xoxb-")
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else None
    if app_token is not None and not app_token.startswith("xapp-"):
        problems.append("SLACK_APP_TOKEN should be an app-level token starting with xapp-")
    return problems


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    _require_slack(settings)
    ensure_schema(settings, migrate=False)
    from bot.server import serve

    serve(settings, lambda: _load_wsgi(settings))
    return 0


def _load_wsgi(settings: Settings) -> Any:
    from bot.runtime import build_runtime

    return build_runtime(settings).wsgi


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    _require_slack(settings)
    ensure_schema(settings, migrate=True)
    from bot.runtime import build_deps
    from scheduler.clock import build_scheduler

    if settings.socket_mode:
        return _run_socket_mode(settings)

    from bot.server import serve

    scheduler = build_scheduler(build_deps(settings), blocking=False)
    scheduler.start()
    logger.info("scheduler started in the web process %d", os.getpid())
    logger.info("ctobot running over HTTP on port %d with the scheduler", settings.port)
    try:
        serve(settings, lambda: _load_wsgi(settings))
    finally:
        scheduler.shutdown(wait=False)
    return 0


def _stop_signals() -> list[int]:
    """A list that SIGTERM or Ctrl-C appends to, whenever they come (before a start too).

    The handler only appends: a handler that takes a lock (an Event's, the scheduler's) can deadlock with the main
    thread it interrupted, which may be holding that very lock.
    """
    told: list[int] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda number, _frame: told.append(number))
    return told


def _wait_until(told: list[int]) -> None:
    """Return once a stop signal has come."""
    while not told:
        time.sleep(0.2)


def _run_socket_mode(settings: Settings) -> int:
    """The app over Socket Mode and the scheduler in this process, until SIGTERM or Ctrl-C; then the envelopes
    and background work in hand are finished before it exits."""
    from slack_sdk.errors import SlackApiError

    from bot.runtime import build_runtime
    from bot.socket_mode import SocketModeHandler
    from scheduler.clock import build_scheduler

    assert settings.slack_app_token is not None
    told = _stop_signals()
    runtime = build_runtime(settings)
    handler = SocketModeHandler(runtime.app, settings.slack_app_token.get_secret_value())
    scheduler = build_scheduler(runtime.deps, blocking=False)
    try:
        try:
            handler.connect()
        except SlackApiError as exc:
            raise CliError(f"Slack refused SLACK_APP_TOKEN: apps.connections.open answered "
                           f"'{exc.response.get('error')}' (it needs an app-level token with the connections:write "
                           "scope, and Socket Mode turned on in the app's settings)") from None
        except OSError as exc:
            raise CliError(f"could not reach Slack at {settings.slack_api_url} ({type(exc).__name__})") from None
        scheduler.start()
        logger.info("ctobot running in Socket Mode with the scheduler")
        _wait_until(told)
        logger.info("stopping: finishing the work in hand")
    finally:
        handler.close()
        if scheduler.running:
            scheduler.shutdown(wait=False)
        runtime.close()
    logger.info("stopped")
    return 0


def cmd_clock(settings: Settings, args: argparse.Namespace) -> int:
    ensure_schema(settings, migrate=False)

    from bot.runtime import build_deps
    from scheduler.clock import build_scheduler

    told = _stop_signals()
    deps = build_deps(settings)
    scheduler = build_scheduler(deps, blocking=False)
    scheduler.start()
    logger.info("clock started")
    _wait_until(told)
    logger.info("clock stopping: finishing the jobs in hand")
    # Not wait=True: that holds the scheduler's lock while a running sync job asks for it (a deadlock). The
    # executor's threads are still joined before the process exits, so a job in hand finishes.
    scheduler.shutdown(wait=False)
    deps.background.shutdown(wait=True)
    return 0


# --- check ------------------------------------------------------------------------------------------------


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    problems = 0

    def report(ok: bool, text: str) -> None:
        nonlocal problems
        problems += 0 if ok else 1
        print(f"{'ok  ' if ok else 'FAIL'}  {text}")

    setting_problems = slack_setting_problems(settings)
    for problem in setting_problems:
        report(False, problem)
    if not setting_problems:
        mode = "OAuth (multi-workspace)" if settings.oauth_enabled else "single workspace (bot token)"
        transport = "Socket Mode" if settings.socket_mode else f"HTTP on port {settings.port}"
        report(True, f"Slack settings: {mode}, {transport}, API at {mask_url(settings.slack_api_url)}")
    if not settings.cto_user_ids:
        print("note  CTO_USER_IDS is not set: whoever runs `/cto setup` first becomes that client's CTO")
    report(*_check_database(settings))
    if settings.slack_bot_token is not None and not setting_problems:
        report(*_check_auth(settings))
    if settings.llm_enabled:
        from bot.llm.openai_drafter import DEFAULT_MODEL

        print(f"ok    LLM drafts: model {settings.openai_model or DEFAULT_MODEL} at "
              f"{mask_url(settings.openai_base_url) or 'the OpenAI API'}")
    else:
        print("note  OPENAI_API_KEY is not set: ADR drafts will use the template")
    if problems:
        print(f"{problems} problem(s) found", file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


def _check_database(settings: Settings) -> tuple[bool, str]:
    from bot.db import make_engine
    from bot.db.migrate import current_revision, head_revision

    engine = make_engine(settings.database_url)
    try:
        current = current_revision(engine)
    except Exception as exc:
        return False, f"DATABASE_URL {mask_url(settings.database_url)} is unreachable ({type(exc).__name__})"
    finally:
        engine.dispose()
    if current != head_revision():
        return False, (f"database {mask_url(settings.database_url)} is at migration {current or 'none'}, "
                       f"the code needs {head_revision()}: run `ctobot migrate`")
    return True, f"database {mask_url(settings.database_url)} is reachable and migrated ({current})"


def _check_auth(settings: Settings) -> tuple[bool, str]:
    from slack_sdk.errors import SlackApiError

    from bot.slack.client import make_web_client

    client = make_web_client(settings)
    client.retry_handlers = []
    try:
        result = client.auth_test()
    except SlackApiError as exc:
        return False, f"SLACK_BOT_TOKEN was refused by Slack's auth.test ({exc.response.get('error')})"
    except Exception as exc:
        return False, f"could not reach Slack at {mask_url(settings.slack_api_url)} ({type(exc).__name__})"
    return True, (f"auth.test: workspace {result.get('team')} ({result.get('team_id')}) "
                  f"as @{result.get('user')}")


# --- clients ----------------------------------------------------------------------------------------------


def cmd_client_add(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db import make_session_factory, transaction
    from bot.services import engagements
    from bot.slack.blocks import band_text

    if settings.oauth_enabled and not args.team:
        raise CliError("in OAuth mode, name the client's workspace with --team T…")
    day, slot = engagements.parse_digest_slot(args.digest)
    data = engagements.EngagementInput(
        name=args.name, display_name=args.display_name, tier=args.tier, start_date=args.start, timezone=args.tz,
        hours=engagements.parse_hours_band(args.hours) if args.hours else None,
        response_target_hours=args.target, digest_weekday=day, digest_time=slot,
        cto_user_ids=_split_ids(args.cto) or list(settings.cto_user_ids),
        founder_user_ids=_split_ids(args.founder), llm_consent=args.llm_consent,
        decider_user_ids=None if args.decider is None else _split_ids(args.decider),
        rollover_cap_hours=args.rollover, statement_grace_days=args.grace,
        end_date=engagements.KEEP if args.end is None else (None if args.end == "none" else args.end),
        internal_owner_id=engagements.KEEP if args.owner is None else (
            None if args.owner.strip().lower() == "none" else args.owner),
        checkin_cadence=args.checkin,
    )
    with _database(settings, migrate=settings.database_url.startswith("sqlite")) as engine, \
            transaction(make_session_factory(engine)) as session:
        engagement = engagements.setup_engagement(
            session, team_id=args.team or "", channel_id=args.channel.strip(), data=data, actor_id=None,
            default_cto_ids=settings.cto_user_ids)
        status = engagements.engagement_status(session, engagement=engagement)
    channels = ", ".join(c + (" (digest)" if c == status.primary_channel else "") for c in status.channels)
    print(f"{engagement.display_name} ({engagement.name}): {engagement.tier} tier, {band_text(engagement)}; "
          f"channels {channels}; CTO {', '.join(engagement.cto_user_ids)}; "
          f"deciders {', '.join(engagement.decider_user_ids) or 'the founders and the CTOs'}; "
          f"digest {engagement.digest_weekday} {engagement.digest_time.strftime('%H:%M')} {engagement.timezone}"
          + (f"; ends {engagement.end_date.isoformat()}" if engagement.end_date else "")
          + (f"; internal owner {engagement.internal_owner_id}" if engagement.internal_owner_id else "")
          + (f"; {engagement.checkin_cadence} check-ins after the end" if engagement.checkin_cadence != "none"
             else ""))
    return 0


def cmd_client_list(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db import make_session_factory, transaction
    from bot.models import id_of
    from bot.services import engagements
    from bot.slack.blocks import band_text

    with _database(settings) as engine, transaction(make_session_factory(engine)) as session:
        rows = []
        for e in engagements.list_engagements(session):
            links = engagements.channels_of(session, engagement_id=id_of(e))
            rows.append(f"{e.name}\t{e.display_name}\t{e.tier}\t{band_text(e)}\t{e.team_id or '-'}\t"
                        + ",".join(link.channel_id for link in links))
    for row in rows:
        print(row)
    if not rows:
        print("no clients yet: `ctobot client add NAME --channel C… --tier active --start YYYY-MM-DD --tz Area/City`",
              file=sys.stderr)
    return 0


def cmd_status(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db import make_session_factory, transaction
    from bot.models import utcnow
    from bot.services import portfolio
    from bot.slack.portfolio_blocks import portfolio_plain_text

    with _database(settings) as engine, transaction(make_session_factory(engine)) as session:
        text = portfolio_plain_text(portfolio.portfolio(session, now=utcnow()))
    sys.stdout.write(text)
    return 0


# --- digest -----------------------------------------------------------------------------------------------


def cmd_digest(settings: Settings, args: argparse.Namespace) -> int:

    from bot.db import transaction
    from bot.flows.scheduled_posts import post_digest
    from bot.models import id_of, utcnow
    from bot.runtime import build_deps
    from bot.services import digest, engagements

    if args.force and not args.post:
        raise CliError("--force goes with --post")
    ensure_schema(settings, migrate=False)
    deps = build_deps(settings)
    now = utcnow()
    try:
        with transaction(deps.session_factory) as session:
            engagement = engagements.get_by_name(session, name=args.client, team_id=args.team)
            if args.week is None and not args.post:  # a preview: what the next digest would count
                week = digest.next_digest_week(session, engagement=engagement, now=now)
                built = digest.next_digest(session, engagement=engagement, week=week, now=now)
            else:
                week = digest.week_of(engagement, key=args.week,
                                      today=calendar.local_today(engagement, now))
                built = digest.build_digest(session, engagement=engagement, week=week, now=now)
            team_id = engagement.team_id
        if not args.post:
            sys.stdout.write(_digest_output(deps, built, team_id=team_id, fmt=args.format, now=now))
            return 0
        result = post_digest(deps, engagement_id=id_of(engagement), claimed_by="cli", week_key=week.key,
                             now=now, force=args.force)
    finally:
        deps.background.shutdown(wait=False)
        deps.engine.dispose()
    if not result.posted:
        hint = "; --force posts it again" if "already posted" in result.reason or "claimed" in result.reason else ""
        raise CliError(result.reason + hint)
    print(f"posted the {week.key} digest of {engagement.display_name} to {result.channel_id}")
    return 0


# --- month close ------------------------------------------------------------------------------------------


def cmd_close(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db import transaction
    from bot.flows.month_close import close_and_send
    from bot.models import id_of
    from bot.runtime import build_deps
    from bot.services import engagements, months

    month = months.parse_month(args.month)
    ensure_schema(settings, migrate=False)
    deps = build_deps(settings)
    try:
        with transaction(deps.session_factory) as session:
            engagement = engagements.get_by_name(session, name=args.client, team_id=args.team)
            engagement_id, display = id_of(engagement), engagement.display_name
        result = close_and_send(deps, engagement_id=engagement_id, month=month, closed_by="cli",
                                claimed_by="cli")
    finally:
        deps.background.shutdown(wait=False)
        deps.engine.dispose()
    if not result.posted:
        raise CliError(result.reason)
    print(f"closed {month:%Y-%m} and sent the statement of {display} to {result.channel_id}")
    return 0


def _digest_output(deps: Any, built: Any, *, team_id: str, fmt: str, now: Any) -> str:
    """The digest as plain text (people by name when Slack says, else by id) or as Slack's Block Kit JSON."""
    import re

    from bot.slack.digest_blocks import digest_message, digest_plain_text, digest_sections
    from bot.slack.users import names_for

    if fmt == "slack":
        text, blocks = digest_message(built, now=now)
        return json.dumps({"text": text, "blocks": blocks}, ensure_ascii=False, indent=2) + "\n"
    ids = set(re.findall(r"<@([A-Z0-9]+)>", "\n".join(digest_sections(built, now=now))))
    client = deps.slack_client(team_id) if ids else None
    found, _ = names_for(deps.users, client, ids)
    names = {user_id: " ".join(part for part in parts if part) for user_id, parts in found.items()}
    return digest_plain_text(built, now=now, names=names)


# --- exports ----------------------------------------------------------------------------------------------


def _record_exports() -> dict[str, tuple[tuple[str, ...], Any]]:
    from bot.services import exports, registers

    return {"questions": (exports.QUESTION_FIELDS, exports.questions_records),
            "reviews": (exports.REVIEW_FIELDS, exports.reviews_records),
            **{kind: (registers.export_fields(spec), exports.register_exporter(spec))
               for kind, spec in exports.REGISTER_EXPORTS.items()}}


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:

    from bot.db import make_session_factory, transaction
    from bot.services import engagements, exports

    record_exports = _record_exports()
    if args.kind == "handover":
        return _export_handover(settings, args)
    if args.kind == "adr":
        return _export_adr(settings, args)
    fmt = args.format or "csv"
    if fmt not in ("csv", "json"):
        raise CliError(f"{args.kind} export as csv or json")
    with _database(settings) as engine:
        with transaction(make_session_factory(engine)) as session:
            engagement = engagements.get_by_name(session, name=args.client, team_id=args.team)
            if args.kind == "decisions":
                records = exports.decisions_records(session, engagement=engagement)
                _write(exports.records_json(records) if fmt == "json" else exports.decisions_csv(records), args.out)
                return 0
            if args.kind in record_exports:
                fields, build = record_exports[args.kind]
                records = build(session, engagement=engagement)
                output = exports.records_json(records) if fmt == "json" else exports.records_csv(records, fields)
                _write(output, args.out)
                return 0
            if args.month:
                try:
                    month = exports.parse_month(args.month)
                except ValueError as exc:
                    raise CliError(str(exc)) from None
            else:
                month = calendar.local_today(engagement).replace(day=1)
            entries = exports.month_entries(session, engagement=engagement, month=month,
                                            include_deleted=fmt == "json")
        if fmt == "json":
            output = exports.hours_json(entries, engagement=engagement)
        else:  # users.info after the transaction has closed
            names = _cli_user_names(settings, engine, engagement.team_id, {e.user_id for e in entries})
            output = exports.hours_csv(entries, engagement=engagement, names=names)
    _write(output, args.out)
    return 0


def _export_handover(settings: Settings, args: argparse.Namespace) -> int:

    from bot.db import make_session_factory, transaction
    from bot.models import utcnow
    from bot.services import engagements, handover

    if (args.format or "md") != "md":
        raise CliError("the handover pack is Markdown: use --format md (or leave --format out)")
    from bot.services import people

    now = utcnow()
    with _database(settings) as engine:
        session_factory = make_session_factory(engine)
        with transaction(session_factory) as session:
            engagement = engagements.get_by_name(session, name=args.client, team_id=args.team)
            team_id = engagement.team_id
            unnamed = people.to_fetch(session, team_id=team_id,
                                      user_ids=handover.people_named(session, engagement=engagement))
        if unnamed:  # users.info for people never stored, outside the transaction; stored names need no Slack
            _remember_cli_names(settings, engine, session_factory, team_id, unnamed, what="the handover pack")
        with transaction(session_factory) as session:
            engagement = engagements.get_by_name(session, name=args.client, team_id=args.team)
            output = handover.handover_markdown(session, engagement=engagement, now=now,
                                                today=calendar.local_today(engagement, now))
    _write(output, args.out)
    return 0


def _export_adr(settings: Settings, args: argparse.Namespace) -> int:
    """MADR files and an index into --out; only files its manifest lists for this client are replaced or removed."""
    from pathlib import Path

    from bot.db import make_session_factory, transaction
    from bot.models import id_of
    from bot.services import adr, decisions, engagements, people

    if not args.out:
        raise CliError("export adr writes a folder: give it with --out DIR")
    if args.format not in (None, "md"):
        raise CliError("adr exports Markdown files (--format md)")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CliError(f"{out} is a file; export adr needs a folder")
    with _database(settings) as engine:
        session_factory = make_session_factory(engine)
        with transaction(session_factory) as session:
            engagement = engagements.get_by_name(session, name=args.client, team_id=args.team)
            makers = {u for d in decisions.list_decisions(session, engagement_id=id_of(engagement))
                      for u in adr.decision_makers(d)}
            team_id = engagement.team_id
            unnamed = people.to_fetch(session, team_id=team_id, user_ids=makers)
        if unnamed:  # users.info for people never stored, outside the transaction; stored names need no Slack
            _remember_cli_names(settings, engine, session_factory, team_id, unnamed, what="the ADRs")
        with transaction(session_factory) as session:
            engagement = engagements.get_by_name(session, name=args.client, team_id=args.team)
            files = adr.adr_files(session, engagement=engagement)
            owner = adr.owner(engagement)
    out.mkdir(parents=True, exist_ok=True)
    result = adr.write_folder(out, files, owner=owner)
    removed = f"; removed {', '.join(result.removed)}" if result.removed else ""
    print(f"wrote {len(files) - 1} ADRs and {adr.INDEX_NAME} to {out} (listed in {adr.MANIFEST_NAME}){removed}",
          file=sys.stderr)
    return 0


def _remember_cli_names(settings: Settings, engine: Any, session_factory: Any, team_id: str,
                        user_ids: list[str], *, what: str) -> None:
    """Store the names users.info gives (when Slack is configured and answers); warn about the rest."""
    from bot.db import transaction
    from bot.services import people
    from bot.slack.client import client_for_team
    from bot.slack.users import UserDirectory, remember_names

    remember_names(session_factory, UserDirectory(), client_for_team(settings, engine, team_id), team_id, user_ids)
    with transaction(session_factory) as session:
        missing = [u for u, name in people.names(session, team_id=team_id, user_ids=user_ids).items() if name == u]
    for user_id in sorted(missing):
        print(f"ctobot: no name for {user_id} from Slack; {what} names them by their user id", file=sys.stderr)


def _cli_user_names(settings: Settings, engine: Any, team_id: str, user_ids: set[str]) -> dict[str, tuple[str, str]]:
    """Names from users.info when Slack is configured and answers; the user id otherwise (with a warning)."""
    from bot.slack.client import client_for_team
    from bot.slack.users import UserDirectory, names_for

    client = client_for_team(settings, engine, team_id) if user_ids else None
    names, missing = names_for(UserDirectory(), client, user_ids)
    for user_id in missing:
        print(f"ctobot: no name for {user_id} from Slack; the CSV shows the user id", file=sys.stderr)
    return names


def _write(output: str, path: str | None) -> None:
    if path is None:
        sys.stdout.write(output)
        return
    from pathlib import Path

    Path(path).write_text(output, encoding="utf-8", newline="")
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
