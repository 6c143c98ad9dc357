"""Every URL pattern of the project, with an example path that resolves to it.

Access tests walk this list, so a new page is covered the moment it is added.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

_SAMPLE_BY_CONVERTER = {
    "ref": "OO-2026-0001",
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x",
    "uuid": str(uuid.UUID(int=1)),
}
_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?\w+>")
_REGEX_GROUP = re.compile(r"\(\?P<\w+>(?P<body>[^)]*)\)")


@dataclass(frozen=True)
class Page:
    name: str  # "namespace:name", or the pattern itself when it has no name
    path: str


def _example(pattern: str) -> str:
    path = _ROUTE_PARAM.sub(lambda m: _SAMPLE_BY_CONVERTER[m["converter"] or "str"], pattern)

    def group_sample(match: re.Match) -> str:
        body = match["body"]
        # A list of alternatives (admin's app labels): take the first; a wildcard: any text.
        return body.split("|")[0] if re.fullmatch(r"[\w|]+", body) else "x"

    path = _REGEX_GROUP.sub(group_sample, path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def _walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[Page]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else route
            yield Page(name=name, path=_example(route))


def all_pages() -> list[Page]:
    return list(_walk(get_resolver(), "", ""))
