"""`ctobot digest`: print a week, post it once, post again only with --force."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.db import transaction
from bot.services import timelog
from bot.services.logtime_parser import LogtimeRequest
from tests.cli.test_cli import ctobot
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.helpers.clock import clock_at
from tests.helpers.factories import add_engagement


def seeded(session_factory):
    acme = add_engagement(session_factory, name="acme", channel="C1", ctos=("U1",), start_date=date(2026, 9, 1))
    with clock_at(datetime(2026, 11, 17, 18, tzinfo=UTC)), transaction(session_factory) as session:
        timelog.log_time(session, engagement=acme, user_id="U1", today=date(2026, 11, 17),
                         request=LogtimeRequest(minutes=150, category="review", work_date=date(2026, 11, 17), note=""))
    return acme


def test_digest_prints_the_named_week(tmp_path, database_url, session_factory):
    seeded(session_factory)
    result = ctobot("digest", "--client", "acme", "--week", "2026-W47", cwd=tmp_path, DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Acme — weekly digest, 2026-W47 (16 Nov–22 Nov)")
    assert "Hours — this week 2h 30m (review 2h 30m)" in result.stdout
    bad = ctobot("digest", "--client", "acme", "--week", "2026-47", cwd=tmp_path, DATABASE_URL=database_url)
    assert bad.returncode == 2 and "ISO week" in bad.stderr


def test_post_is_once_per_week_unless_forced(tmp_path, database_url, session_factory, fake_slack):
    seeded(session_factory)
    env = {"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": fake_slack.url}
    first = ctobot("digest", "--client", "acme", "--week", "2026-W47", "--post", cwd=tmp_path, **env)
    assert first.returncode == 0, first.stderr
    assert "posted the 2026-W47 digest of Acme to C1" in first.stdout
    again = ctobot("digest", "--client", "acme", "--week", "2026-W47", "--post", cwd=tmp_path, **env)
    assert again.returncode == 2 and "already posted" in again.stderr and "--force" in again.stderr
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    forced = ctobot("digest", "--client", "acme", "--week", "2026-W47", "--post", "--force", cwd=tmp_path, **env)
    assert forced.returncode == 0, forced.stderr
    posts = fake_slack.calls_to("chat.postMessage")
    assert len(posts) == 2 and all(p.args["channel"] == "C1" for p in posts)
    assert posts[0].args["blocks"][0]["type"] == "header" and "2h 30m this week" in posts[0].args["text"]


def test_three_concurrent_cli_posters_give_one_message(tmp_path, database_url, session_factory, fake_slack):
    import subprocess
    import sys

    from tests.cli.test_cli import clean_env

    seeded(session_factory)
    fake_slack.slow("chat.postMessage", 0.5)
    env = clean_env(DATABASE_URL=database_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                    SLACK_API_URL=fake_slack.url)
    command = [sys.executable, "-m", "bot", "digest", "--client", "acme", "--week", "2026-W47", "--post"]
    processes = [subprocess.Popen(command, cwd=tmp_path, env=env, text=True, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(3)]
    outcomes = [(p.wait(timeout=60), p.stdout.read(), p.stderr.read()) for p in processes]
    for p in processes:
        p.stdout.close()
        p.stderr.close()
    assert sorted(code for code, _, _ in outcomes) == [0, 2, 2], outcomes
    refusals = [err for code, _, err in outcomes if code == 2]
    assert all("already posted" in err or "claimed by cli" in err for err in refusals), refusals
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_the_terminal_gets_plain_text_and_slack_gets_block_kit(tmp_path, database_url, session_factory):
    import json

    from bot.services import capture
    from bot.services.capture import SlackMessage

    acme = seeded(session_factory)
    asked = datetime(2026, 11, 18, 10, tzinfo=UTC)
    with clock_at(asked), transaction(session_factory) as session:
        capture.capture_message(session, engagement=acme, bot_user_id="U_BOT", message=SlackMessage(
            channel_id="C1", ts=f"{asked.timestamp():.6f}", user_id="U2", text="Is <b> & *this* safe?"))
        [question] = capture.open_questions(session, engagement_id=acme.id)
        question.permalink = "https://acme.slack.com/archives/C1/p1"
        session.add(question)
    with clock_at(datetime(2026, 11, 19, 12, tzinfo=UTC)), transaction(session_factory) as session:
        from bot.services import risks
        risks.add_risk(session, engagement=acme, title="No tested backups", severity="high", user_id="U2")
    env = {"DATABASE_URL": database_url, "CTOBOT_NOW": "2026-11-19T12:00:00+00:00"}
    text = ctobot("digest", "--client", "acme", cwd=tmp_path, **env)
    assert text.returncode == 0, text.stderr
    out = text.stdout
    assert "Is <b> & this safe? (https://acme.slack.com/archives/C1/p1) — U2 in #C1" in out
    assert "R1 high — No tested backups" in out
    assert "<@" not in out and "|" not in out and ":red_circle:" not in out and "&amp;" not in out
    assert "worst 1h 0m" not in out and "(still open)" in out  # the open question is the longest wait
    slack = ctobot("digest", "--client", "acme", "--format", "slack", cwd=tmp_path, **env)
    assert slack.returncode == 0, slack.stderr
    message = json.loads(slack.stdout)
    assert message["blocks"][0]["type"] == "header"
    shown = json.dumps(message["blocks"], ensure_ascii=False)
    assert "<https://acme.slack.com/archives/C1/p1|Is &lt;b&gt; &amp; *this* safe?>" in shown and "<@U2>" in shown
