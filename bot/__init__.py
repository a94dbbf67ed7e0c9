"""ctobot: a fractional CTO's retainer, questions, decisions and digests, in Slack."""

__version__ = "0.1.0"
