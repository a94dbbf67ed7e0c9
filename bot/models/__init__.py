"""SQLModel tables; importing this package registers every table on SQLModel.metadata."""

from bot.models import slack_oauth
from bot.models.capture import Question, ReviewRequest
from bot.models.decision import Decision
from bot.models.delivery import Artifact, Risk
from bot.models.engagement import ChannelLink, Engagement
from bot.models.health import HealthCheck
from bot.models.person import Person
from bot.models.runs import DigestRun
from bot.models.timelog import TimeEntry
from bot.models.types import utcnow

__all__ = [
    "Artifact",
    "ChannelLink",
    "Decision",
    "DigestRun",
    "Engagement",
    "HealthCheck",
    "Person",
    "Question",
    "ReviewRequest",
    "Risk",
    "TimeEntry",
    "slack_oauth",
    "utcnow",
]
