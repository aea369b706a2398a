"""Alembic migrations of the database schema: a database made by any earlier version is upgraded in
place when it is opened (store/db.py runs them)."""
