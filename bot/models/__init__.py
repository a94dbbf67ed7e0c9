"""SQLModel tables; importing this package registers every table on SQLModel.metadata."""

from bot.models import slack_oauth
from bot.models.capture import Question, ReviewRequest
from bot.models.decision import Decision
from bot.models.delivery import Artifact, Risk
from bot.models.engagement import ChannelLink, Engagement
from bot.models.health import HealthCheck
from bot.models.identity import BotIdentity
from bot.models.ids import id_of
from bot.models.month import MonthStatement, StatementAmendment
from bot.models.person import Person
from bot.models.registers import BuiltSystem, Finding, RoadmapItem, Vendor
from bot.models.runs import DigestItem, DigestRun
from bot.models.timelog import TimeEntry
from bot.models.types import utcnow

__all__ = [
    "Artifact",
    "BotIdentity",
    "BuiltSystem",
    "ChannelLink",
    "Decision",
    "DigestItem",
    "DigestRun",
    "Engagement",
    "Finding",
    "HealthCheck",
    "MonthStatement",
    "Person",
    "Question",
    "ReviewRequest",
    "Risk",
    "StatementAmendment",
    "RoadmapItem",
    "TimeEntry",
    "Vendor",
    "id_of",
    "slack_oauth",
    "utcnow",
]
