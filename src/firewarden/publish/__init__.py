"""Publishing adapters: one per platform behind the Publisher protocol (see base.py)."""
