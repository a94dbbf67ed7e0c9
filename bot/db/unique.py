"""Inserting a row that a unique constraint may already hold (a retry, a second process)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel


def insert_once(session: Session, record: SQLModel) -> bool:
    """Insert `record` in a savepoint; False (and nothing changed) when a unique key already holds it."""
    savepoint = session.begin_nested()
    try:
        session.add(record)
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True
