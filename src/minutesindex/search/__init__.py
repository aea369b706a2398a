"""Stage 4b: the Whoosh full-text index over agenda items, rebuilt from the database at will."""
