"""Consent records per purpose and recipient, the disclosure gate and the disclosure log."""
