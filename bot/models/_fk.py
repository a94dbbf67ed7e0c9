"""The engagement foreign key every record carries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ForeignKey, Integer


def engagement_fk() -> Any:
    """A non-null, indexed engagement id that goes with its engagement."""
    return Column(Integer, ForeignKey("engagement.id", ondelete="CASCADE"), nullable=False, index=True)
