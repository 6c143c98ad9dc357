"""The loket directory, the recommendation rules and referrals with their lifecycle."""
