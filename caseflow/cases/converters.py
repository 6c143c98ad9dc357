class CaseReferenceConverter:
    """A case reference in a URL: OO-2026-0042 (prefix, year, number)."""

    regex = r"[A-Z]{1,5}-[0-9]{4}-[0-9]{4,7}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)
