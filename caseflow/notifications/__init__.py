"""In-app notifications: one per recipient and event, whoever announces it."""
