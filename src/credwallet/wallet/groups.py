"""One achievement, two credentials: an OB 2.0 badge and its OB 3.0 re-issue.

1EdTech's migration guidance (OB 3.0 Implementation Guide, "Migrating from OB 2.0") links the
two explicitly; only those links group credentials here, never a similar name:

- the OB 3.0 credential's ``evidence`` has an item typed ``https://w3id.org/openbadges#Assertion``
  whose ``id`` is the OB 2.0 assertion's id; or
- the achievements are linked by ``related`` (either direction: the OB 3.0 Achievement names the
  OB 2.0 BadgeClass, or the BadgeClass names the Achievement), the issuers are linked (the OB 3.0
  issuer's ``otherIdentifier`` / ``alsoKnownAs`` holds the OB 2.0 issuer's id, or both are on the
  same host), and the award days agree within a day (``issuedOn`` against ``awardedDate``, else
  ``validFrom``).

Grouped credentials share an ``achievement_group`` (the smallest wallet id among them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from credwallet.formats.dates import parse_datetime
from credwallet.models import CredentialFormat
from credwallet.wallet.held import Held

__all__ = ["assign_groups", "grouped_order", "newest_valid_per_group"]

_ASSERTION_TYPES = {"https://w3id.org/openbadges#Assertion", "Assertion"}
_DAY = timedelta(days=1, hours=12)


def assign_groups(items: Sequence[Held]) -> list[Held]:
    """Every item, with ``achievement_group`` set when it is linked to another."""
    parent = {h.wallet_id: h.wallet_id for h in items}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    ob2 = [h for h in items if h.credential.format is CredentialFormat.OB2]
    if not ob2:
        return list(items)
    by_assertion = {h.credential.credential_id: h for h in ob2 if h.credential.credential_id}
    # Indexes, so that a large wallet is grouped in linear time, not OB 2.0 x OB 3.0 pairs.
    by_badge: dict[str, list[Held]] = {}
    by_related: dict[str, list[Held]] = {}
    for old in ob2:
        if old.credential.achievement and old.credential.achievement.id:
            by_badge.setdefault(old.credential.achievement.id, []).append(old)
        for ref in _badge_related(old):
            by_related.setdefault(ref, []).append(old)
    others = [h for h in items if h.credential.format is not CredentialFormat.OB2]
    for new in others:
        for ref in _assertion_evidence(new.credential.document):
            found = by_assertion.get(ref)
            if found is not None:
                union(found.wallet_id, new.wallet_id)
        achievement = new.credential.achievement
        if achievement is None:
            continue
        candidates = [o for r in achievement.related for o in by_badge.get(r, [])]
        if achievement.id:
            candidates += by_related.get(achievement.id, [])
        for old in candidates:
            if _linked_by_achievement(old, new):
                union(old.wallet_id, new.wallet_id)
    sizes: dict[str, int] = {}
    for h in items:
        sizes[find(h.wallet_id)] = sizes.get(find(h.wallet_id), 0) + 1
    return [
        replace(h, achievement_group=find(h.wallet_id)) if sizes[find(h.wallet_id)] > 1 else h
        for h in items
    ]


def grouped_order(items: Sequence[Held]) -> list[Held]:
    """The same order, except that a group's members follow its first member."""
    groups: dict[str, list[Held]] = {}
    for h in items:
        if h.achievement_group is not None:
            groups.setdefault(h.achievement_group, []).append(h)
    seen: set[str] = set()
    ordered: list[Held] = []
    for h in items:
        if h.wallet_id in seen:
            continue
        members = groups.get(h.achievement_group, [h]) if h.achievement_group else [h]
        for m in members:
            seen.add(m.wallet_id)
            ordered.append(m)
    return ordered


def newest_valid_per_group(items: Sequence[Held]) -> list[Held]:
    """One credential per achievement: the newest valid one (else the newest) of each group."""
    best: dict[str, Held] = {}
    for h in items:
        if h.achievement_group is None:
            continue
        current = best.get(h.achievement_group)
        if current is None or _rank(h) > _rank(current):
            best[h.achievement_group] = h
    return [h for h in items if h.achievement_group is None or best[h.achievement_group] is h]


def _rank(h: Held) -> tuple[bool, float]:
    when = h.credential.valid_from or h.credential.issued
    return (h.status == "valid", when.timestamp() if when else 0.0)


def _assertion_evidence(document: Mapping[str, Any]) -> Iterable[str]:
    evidence = document.get("evidence")
    entries = evidence if isinstance(evidence, list) else [evidence]
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        kinds = set(_strings(entry.get("type")))
        if kinds & _ASSERTION_TYPES and isinstance(entry.get("id"), str):
            yield entry["id"]


def _linked_by_achievement(old: Held, new: Held) -> bool:
    badge_id = old.credential.achievement.id if old.credential.achievement else None
    achievement = new.credential.achievement
    if badge_id is None or achievement is None:
        return False
    forward = badge_id in achievement.related
    backward = achievement.id is not None and achievement.id in _badge_related(old)
    if not (forward or backward):
        return False
    return _issuers_linked(old, new) and _same_award_day(old, new)


def _badge_related(old: Held) -> list[str]:
    badge: Any = old.credential.document.get("badge")
    info = old.record.badge_info
    if not isinstance(badge, Mapping) and isinstance(info, Mapping):
        badge = info.get("badge")
    if not isinstance(badge, Mapping):
        return []
    related = badge.get("related")
    entries = related if isinstance(related, list) else [related]
    ids = []
    for entry in entries:
        if isinstance(entry, str):
            ids.append(entry)
        elif isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            ids.append(entry["id"])
    return ids


def _issuers_linked(old: Held, new: Held) -> bool:
    old_id = old.credential.issuer.id
    if old_id is None:
        return False
    issuer = new.credential.document.get("issuer")
    if isinstance(issuer, Mapping):
        known: list[str] = list(_strings(issuer.get("alsoKnownAs")))
        others = issuer.get("otherIdentifier")
        for entry in others if isinstance(others, list) else [others]:
            if isinstance(entry, Mapping) and isinstance(entry.get("identifier"), str):
                known.append(entry["identifier"])
        if old_id in known:
            return True
    new_id = new.credential.issuer.id or ""
    return bool(_host(old_id)) and _host(old_id) == _host(new_id)


def _host(identifier: str) -> str:
    if identifier.startswith("did:web:"):
        return identifier[8:].split(":", 1)[0].replace("%3A", ":").lower()
    try:
        return (urlsplit(identifier).hostname or "").lower()
    except ValueError:
        return ""


def _same_award_day(old: Held, new: Held) -> bool:
    before = old.credential.issued
    subject = new.credential.document.get("credentialSubject")
    awarded = None
    if isinstance(subject, Mapping):
        awarded = parse_datetime(subject.get("awardedDate"))
    awarded = awarded or parse_datetime(new.credential.document.get("awardedDate"))
    after = awarded or new.credential.valid_from or new.credential.issued
    if before is None or after is None:
        return False
    return abs(after - before) <= _DAY


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []
