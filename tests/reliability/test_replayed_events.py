"""Slack redelivers events (X-Slack-Retry-Num 1–3) and sends `message` and `app_mention` for one message:
1,000 signed deliveries, several at once, leave one record per message."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func
from sqlmodel import select

from bot.models import Question, ReviewRequest
from tests.helpers.factories import add_engagement

MESSAGES = 125  # x (message, app_mention) x (first delivery + retries 1, 2, 3) = 1,000 deliveries
BASE_TS = 1763805600


def deliveries() -> list[tuple[dict, str, int | None]]:
    """(event, event_id, retry number) for every delivery, shuffled so that retries race their originals."""
    out = []
    for n in range(MESSAGES):
        ts = f"{BASE_TS + n}.000100"
        text = f"<@U_BOT> should we ship change {n}?"
        if n % 2:
            text += f" https://github.com/acme/api/pull/{n}"
        message = {"type": "message", "channel": "C1", "channel_type": "channel", "user": "U2", "text": text,
                   "ts": ts, "team": "T_TEST"}
        mention = {"type": "app_mention", "channel": "C1", "user": "U2", "text": text, "ts": ts}
        for kind, event in (("m", message), ("a", mention)):
            for retry in (None, 1, 2, 3):
                out.append((event, f"Ev{kind}{n:05d}", retry))
    random.Random(4).shuffle(out)
    return out


def test_a_thousand_replayed_deliveries_leave_one_record_per_message(slack_app):
    add_engagement(slack_app.session_factory, name="acme", channel="C1", ctos=("U1",))
    sent = deliveries()
    assert len(sent) == 1000

    def deliver(item: tuple[dict, str, int | None]) -> int:
        event, event_id, retry = item
        return slack_app.slack.event(event, event_id=event_id, retry_num=retry).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(deliver, sent))
    assert statuses == [200] * 1000
    slack_app.settle()
    with slack_app.session_factory() as session:
        question_ts = session.exec(select(Question.message_ts)).all()
        review_urls = session.exec(select(ReviewRequest.url)).all()
        assert session.exec(select(func.count()).select_from(Question)
                            .where(Question.permalink.is_(None))).one() == 0  # type: ignore[union-attr]
    assert sorted(question_ts) == sorted(f"{BASE_TS + n}.000100" for n in range(MESSAGES))
    assert sorted(review_urls) == sorted(f"https://github.com/acme/api/pull/{n}" for n in range(1, MESSAGES, 2))
