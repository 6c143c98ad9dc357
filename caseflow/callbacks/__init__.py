"""Call-backs: planning them in office hours, their outcomes, reminders and escalation."""
