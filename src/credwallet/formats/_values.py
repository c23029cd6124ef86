"""Small readers that pull typed values out of decoded JSON without trusting its shape.

Credentials in the wild give the same property as a string, an object with an ``id``, a list of
either, or a JSON-LD language map. These helpers return ``None`` (or an empty tuple) for a shape
they do not understand instead of raising: the normalised view is best-effort, the document keeps
everything.
"""

from __future__ import annotations

import math
from typing import Any

from credwallet.models import Alignment, Evidence, JSONObject, Party

_PREFERRED_LANGUAGES = ("en", "en-US", "en-GB")


def text(value: Any) -> str | None:
    """A plain string, or the best entry of a language map / list of ``@value`` objects."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if isinstance(value.get("@value"), str):
            return str(value["@value"])
        return _from_language_map(value)
    if isinstance(value, list):
        return _from_value_list(value)
    return None


def _from_language_map(value: JSONObject) -> str | None:
    for language in _PREFERRED_LANGUAGES:
        if isinstance(value.get(language), str):
            return str(value[language])
    return next((v for v in value.values() if isinstance(v, str)), None)


def _from_value_list(values: list[Any]) -> str | None:
    candidates = [v for v in values if isinstance(v, dict) and isinstance(v.get("@value"), str)]
    for language in _PREFERRED_LANGUAGES:
        for candidate in candidates:
            if candidate.get("@language") == language:
                return str(candidate["@value"])
    if candidates:
        return str(candidates[0]["@value"])
    return next((v for v in values if isinstance(v, str)), None)


def ref(value: Any) -> str | None:
    """An id given either as a string or as an object's ``id`` (images, criteria, issuers)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("id", "@id"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return None


def obj(value: Any) -> JSONObject:
    """The value if it is a JSON object; the first object of a list; else an empty dict."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return next((v for v in value if isinstance(v, dict)), {})
    return {}


def items(value: Any) -> list[Any]:
    """A list for a property that may be one value or an array of them."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def strings(value: Any) -> tuple[str, ...]:
    """Every string of a property that may be one string or a list of strings."""
    return tuple(v for v in items(value) if isinstance(v, str))


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def types(document: JSONObject) -> tuple[str, ...]:
    return strings(document.get("type", document.get("@type")))


def contexts(document: JSONObject) -> tuple[str, ...]:
    return strings(document.get("@context"))


def is_http_url(value: str | None) -> bool:
    return isinstance(value, str) and value.lower().startswith(("https://", "http://"))


def is_https_url(value: str | None) -> bool:
    return isinstance(value, str) and value.lower().startswith("https://")


def alignment(entry: JSONObject) -> Alignment:
    """An OB 2.0 / OB 3.0 alignment object (both use the same property names)."""
    return Alignment(
        target_name=text(entry.get("targetName")),
        target_url=ref(entry.get("targetUrl")),
        target_code=text(entry.get("targetCode")),
        target_framework=text(entry.get("targetFramework")),
        target_type=text(entry.get("targetType")),
    )


def party(value: Any) -> Party:
    """An issuer or subject given as an id string or a profile object."""
    if isinstance(value, str):
        return Party(id=value)
    profile = obj(value)
    if not profile:
        return Party()
    return Party(
        id=ref(profile.get("id")),
        name=text(profile.get("name")),
        url=ref(profile.get("url")),
        email=text(profile.get("email")),
        image=ref(profile.get("image")),
    )


def evidence(value: Any) -> tuple[Evidence, ...]:
    """OB 2.0 / OB 3.0 evidence: ids (strings) or evidence objects."""
    result = []
    for entry in items(value):
        if isinstance(entry, str):
            result.append(Evidence(id=entry))
        elif isinstance(entry, dict):
            result.append(
                Evidence(
                    id=ref(entry.get("id")),
                    name=text(entry.get("name")),
                    description=text(entry.get("description")),
                    narrative=text(entry.get("narrative")),
                )
            )
    return tuple(result)


def criteria(value: Any) -> tuple[str | None, str | None]:
    """(what to show, the criteria URL if any): a narrative wins over a bare criteria URL."""
    url = ref(value)
    narrative = text(obj(value).get("narrative"))
    return narrative or url, url if is_http_url(url) else None
