"""Alembic's migrations for ctobot (env.py and versions/), shipped inside the package."""

# The newest revision, so that `ctobot serve` checks the database without loading Alembic (about 0.7 s);
# tests/db/test_schema.py fails when a new migration is added and this is not updated.
HEAD = "0011_bot_identity"
