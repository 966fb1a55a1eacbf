"""Organisations, users, roles and the social accounts posts go out from."""
