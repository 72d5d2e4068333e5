"""Alembic migrations of the filingcheck database (shipped inside the package)."""
