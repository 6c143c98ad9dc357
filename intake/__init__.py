"""Calls (contact moments), callers and children, the four key questions, the
advisor's call form and the search for an existing case."""
