"""The App Home tab, built and published: a CTO sees all their engagements; anyone else only those of channels
they are in (asked of Slack between two transactions)."""

from __future__ import annotations

from slack_sdk import WebClient

from bot import calendar
from bot.db import transaction
from bot.deps import Deps
from bot.models import utcnow
from bot.services import capture, engagements, portfolio, retainer
from bot.services.business_hours import business_hours_between
from bot.slack.home_blocks import HomeCard, home_view
from bot.slack.users import channel_members


def publish_home(deps: Deps, client: WebClient, *, team_id: str, user_id: str) -> None:
    """Build and publish `user_id`'s Home tab."""
    now = utcnow()
    with transaction(deps.session_factory) as session:
        active = engagements.list_engagements(session, team_id=team_id)
        links = {e.id: [link.channel_id for link in engagements.channels_of(session, engagement_id=e.id)]  # type: ignore[arg-type]
                 for e in active}
    mine = {e.id for e in active if engagements.is_cto(e, user_id)}
    visible = [e for e in active if e.id in mine or any(user_id in channel_members(client, c) for c in links[e.id])]
    cards = []
    with transaction(deps.session_factory) as session:
        for engagement in visible:
            questions = capture.open_questions(session, engagement_id=engagement.id)  # type: ignore[arg-type]
            today = calendar.local_today(engagement, now)
            summary = (retainer.month_summary(session, engagement=engagement, month=today, today=today)
                       if engagement.id in mine else None)
            overdue = sum(1 for q in questions
                          if business_hours_between(engagement, q.asked_at, now) >= engagement.response_target_hours)
            cards.append(HomeCard(status=engagements.engagement_status(session, engagement=engagement),
                                  summary=summary, questions=questions,
                                  reviews=capture.open_reviews(session, engagement_id=engagement.id),  # type: ignore[arg-type]
                                  overdue=overdue))
        overview = portfolio.portfolio(session, now=now, team_id=team_id, cto_user_id=user_id) if mine else None
    client.views_publish(user_id=user_id, view=home_view(cards, now=now, is_cto=bool(mine), portfolio=overview))
