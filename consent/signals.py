"""What consent tells the apps that depend on it, without importing them."""

from django.dispatch import Signal

# Sent inside the withdrawal's transaction with record=ConsentRecord; receivers
# stop what was waiting on that consent (referrals withdraws its pending ones).
consent_withdrawn = Signal()
