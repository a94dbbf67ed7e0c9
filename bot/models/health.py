"""One row that /healthz rewrites, so that the check proves the database can still take a write."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

HEALTH_ROW_ID = 1


class HealthCheck(SQLModel, table=True):
    """The single row (id 1) written by each /healthz; `checked_at` is the Unix time of the last check."""

    __tablename__ = "health_check"

    id: int = Field(primary_key=True)
    checked_at: int = Field(sa_column=Column(BigInteger, nullable=False))
