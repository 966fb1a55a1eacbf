"""What is happening in the world when a post goes out: sensitive dates and active events."""
