"""Mention sources: each platform behind the one :class:`~.base.Source` protocol."""
