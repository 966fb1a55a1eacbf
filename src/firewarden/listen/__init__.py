"""Listening: mentions from social platforms, enriched, stored, and watched for firestorms."""
