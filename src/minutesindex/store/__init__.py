"""Stage 4a: the database (SQLAlchemy), the source of truth."""
