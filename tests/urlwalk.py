"""Every URL the project defines, with sample arguments, for sweeps over all pages."""

import re
import uuid

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLE = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x",
    "uuid": str(uuid.UUID(int=1)),
    "month": "2020-11",
}


def _route_sample(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)


def _regex_sample(regex: str) -> str:
    regex = regex.lstrip("^").rstrip("$").replace(r"\Z", "")

    def group(m):
        body = m.group(2)
        if "|" in body:
            return body.split("|")[0]
        return "1" if r"\d" in body else "x"

    regex = re.sub(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)", group, regex)
    regex = re.sub(r"\(\?:[^)]*\)\??", "", regex)
    return regex.replace("\\", "")


def _sample(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _route_sample(str(pattern))
    if isinstance(pattern, RegexPattern):
        return _regex_sample(pattern.regex.pattern)
    return str(pattern)


def all_urls(resolver=None, prefix="", namespace=""):
    """Yield (path, name) for every URL pattern, recursively, with sample arguments filled in."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        part = _sample(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_urls(entry, prefix + part, ns)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + part, f"{namespace}{entry.name or ''}"
