"""Who did and saw what: history, the access log, personal data, retention, subject access, erasure."""
