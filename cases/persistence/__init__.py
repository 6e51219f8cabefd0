"""SQLAlchemy tables, mappings, unit of work, read model and migrations. Imported by `app` and tests only."""
