"""The credentials an HR Open LER-RS résumé carries as its evidence.

``share resume --format ler-rs`` (share/lerrs.py) signs a résumé as a credential of type
``LERRS`` issued by the holder about themselves, inside a holder-signed presentation. The
holder's signature proves only that the résumé is theirs and untouched; what it claims about
each credential ("Verified", "Expired") is the holder's word. The proof of each claim is the
issuer-signed credential embedded in the container's ``verifications`` list, so a verifier must
check those too, each on its own: this module finds them.

Every list of containers in the résumé is looked at (``certifications``, ``education``,
``employment``, ...), not only the one credwallet writes, since other tools fill others.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

__all__ = ["LER_RS_VC_TYPE", "MAX_EMBEDDED", "embedded_credentials", "is_ler_rs"]

LER_RS_VC_TYPE: Final = "LERRS"
MAX_EMBEDDED: Final = 500  # a résumé citing more is read no further (a bound on hostile input)


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def is_ler_rs(entry: object) -> bool:
    """Whether ``entry`` is an LER-RS résumé credential (a JSON object typed ``LERRS``)."""
    if not isinstance(entry, Mapping):
        return False
    return LER_RS_VC_TYPE in {t for t in _as_list(entry.get("type")) if isinstance(t, str)}


def _container_name(container: Mapping[str, Any]) -> str:
    name = container.get("name") or container.get("title")
    return name.strip()[:80] if isinstance(name, str) and name.strip() else ""


def embedded_credentials(document: Mapping[str, Any]) -> list[tuple[str, object]]:
    """(label, entry) for every credential in a résumé's ``verifications`` lists, in order.

    The label names the section and the container ("certifications 2: SQL for Data Analysis").
    """
    found: list[tuple[str, object]] = []
    for subject in _as_list(document.get("credentialSubject")):
        if not isinstance(subject, Mapping):
            continue
        for section, containers in subject.items():
            if not isinstance(containers, list):
                continue
            for number, container in enumerate(containers, start=1):
                if not isinstance(container, Mapping):
                    continue
                name = _container_name(container)
                for entry in _as_list(container.get("verifications")):
                    if len(found) >= MAX_EMBEDDED:
                        return found
                    label = f"{section} {number}" + (f": {name}" if name else "")
                    found.append((label, entry))
    return found
