"""Fetching JSON documents a verification depends on (status lists, OB 2.0 badge parts, profiles).

A thin layer over :class:`credwallet.net.Fetcher` that decodes the body strictly and phrases the
"as of" note a report shows when the copy is not fresh. Two outcomes besides success:
:class:`~credwallet.errors.FetchError` (could not get it: the check is ``unknown``) and
:class:`~credwallet.errors.BadInput` (got it, but it is not a JSON object: the check fails).

A document the user put in the cache (``credwallet cache add``) is used whatever its URL's
scheme or address: OB 2.0 allows ``http:`` ids, and the user vouched for that copy. Only
fetching is bound by the network rules (HTTPS, no private addresses).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from credwallet.errors import BadInput, FetchError
from credwallet.formats.jsonutil import loads_strict
from credwallet.models import JSONObject

if TYPE_CHECKING:
    from credwallet.net import Fetched, Fetcher

__all__ = ["as_of", "cached_unfetchable", "fetch_json"]

_STRING_LITERAL = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_RAW_CONTROL = re.compile(rb"[\x00-\x1f]")


def _escape_raw_controls(body: bytes) -> bytes:
    """Escape raw control characters inside string literals (JSON forbids them there).

    Hand-written issuer documents (the OB 2.0 specification's own BadgeClass example among
    them) put raw line breaks inside strings. Escaping them changes nothing else, so the strict
    decoder still refuses everything it otherwise would.
    """

    def fix(match: re.Match[bytes]) -> bytes:
        return _RAW_CONTROL.sub(lambda c: b"\\u%04x" % c.group()[0], match.group())

    return _STRING_LITERAL.sub(fix, body)


def fetch_json(
    fetcher: Fetcher | None, url: str, *, what: str, accept: str = "application/json"
) -> tuple[JSONObject, Fetched]:
    """The JSON object at ``url`` and how it was fetched.

    Raises FetchError when there is no fetcher (no network, no cache) or the fetch failed, and
    BadInput when the body is not a JSON object.
    """
    if fetcher is None:
        raise FetchError(f"{what} {url} could not be fetched: no network and no cache")
    fetched = cached_unfetchable(fetcher, url) or fetcher.fetch(url, accept=accept)
    try:
        value = loads_strict(_escape_raw_controls(fetched.body))
    except BadInput as exc:
        raise BadInput(f"{what} {url} is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise BadInput(f"{what} {url} is not a JSON object")
    return value, fetched


def cached_unfetchable(fetcher: Fetcher | None, url: str) -> Fetched | None:
    """The cached copy of an http(s) URL credwallet would never fetch itself (plain http, a
    private address), or None. Such a copy can only have come from the user."""
    from dataclasses import replace

    from credwallet.net import check_url

    # Test doubles of Fetcher may have no cache at all.
    cache = getattr(fetcher, "cache", None)
    if cache is None or not url.lower().startswith(("http://", "https://")):
        return None
    try:
        check_url(url, allow_loopback=bool(getattr(fetcher, "allow_loopback", False)))
    except FetchError:
        cached: Fetched | None = cache.get(url)
        return replace(cached, from_cache=True) if cached is not None else None
    return None


def as_of(fetched: Fetched) -> str:
    """``as of <time>`` (``, cached copy`` when it came from the cache), for check details."""
    stamp = fetched.fetched_at.isoformat(timespec="seconds").replace("+00:00", "Z")
    return f"as of {stamp}, cached copy" if fetched.from_cache else f"as of {stamp}"
