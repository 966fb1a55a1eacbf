"""Alembic migrations; run them with ``firewarden db upgrade``."""
