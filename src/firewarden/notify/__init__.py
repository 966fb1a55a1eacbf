"""Alert notifiers: Slack, Microsoft Teams, e-mail and signed webhooks (see base.py)."""
