"""Propose pathways from the credentials a holder already has, as TOML they can keep.

Three signals, strongest first: credentials aligned to the same framework (each distinct
alignment target becomes a leaf, so the pathway reads "the parts of this framework you
hold"), credentials sharing a tag (a leaf per achievement plus, when they carry credits, a
credit total), and one issuer's series (a leaf per achievement of that issuer). A suggestion
describes what is held today; it is a starting point the holder edits (raise a count, add
the course still planned) before ``credwallet pathway add``. Revoked or otherwise invalid
credentials are never used; copies of one achievement count once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from credwallet.models import ReportStatus
from credwallet.pathways.evaluate import never_counts
from credwallet.pathways.model import HeldCredential
from credwallet.pathways.toml_io import load_pathway_toml

__all__ = ["MAX_SUGGESTIONS", "suggest_pathways"]

MAX_SUGGESTIONS = 12
_MIN_SHARED = 2  # a series needs at least two different achievements
_SLUG_RE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class _Item:
    """One distinct achievement the holder has."""

    identity: str
    name: str
    match: dict[str, str]
    credits: float | None
    held: HeldCredential

    @property
    def expired(self) -> bool:
        # Invalid yet still usable (never_counts filtered the rest out): it expired.
        return self.held.status is ReportStatus.INVALID


def _slug(text: str) -> str:
    return _SLUG_RE.sub("-", text.casefold()).strip("-")[:60] or "x"


def _items(held: Sequence[HeldCredential]) -> list[_Item]:
    seen: dict[str, _Item] = {}
    for item in sorted(held, key=lambda h: h.wallet_id):
        if never_counts(item):
            continue
        cred = item.credential
        ach = cred.achievement
        name = cred.display_name
        if ach is not None and ach.id:
            identity, match = ach.id, {"achievement": ach.id}
        else:
            issuer = cred.issuer.id or cred.issuer.name or ""
            identity = f"{issuer}\n{name.casefold()}"
            match = {"name": name}
            if issuer:
                match["issuer"] = issuer
        credits = cred.credits_earned
        if credits is None and ach is not None:
            credits = ach.credits_available
        seen.setdefault(identity, _Item(identity, name, match, credits, item))
    return list(seen.values())


def _leaves(items: Sequence[_Item]) -> tuple[list[str], dict[str, Any]]:
    keys: list[str] = []
    components: dict[str, Any] = {}
    for item in items:
        key, n = _slug(item.name), 2
        while key in components:
            key, n = f"{_slug(item.name)}-{n}", n + 1
        keys.append(key)
        components[key] = {"name": item.name, "match": dict(item.match)}
        if item.expired:
            components[key]["allow"] = ["expired"]
    return keys, components


def _toml(header: list[str], doc: dict[str, Any]) -> str:
    import tomli_w  # lazily: only suggest and export write TOML

    comments = "".join(f"# {line}\n" for line in header)
    return comments + "\n" + tomli_w.dumps(doc)


def suggest_pathways(held: Sequence[HeldCredential]) -> list[str]:
    """Pathway suggestions (TOML texts, each loadable by ``load_pathway_toml``), best first."""
    items = _items(held)
    proposals: list[tuple[frozenset[str], str]] = []

    # 1. Shared alignment frameworks: each distinct target is a leaf.
    frameworks: dict[str, dict[str, tuple[str, set[str]]]] = {}
    for item in items:
        for alignment in item.held.credential.alignments:
            target = alignment.target_code or alignment.target_url
            framework = alignment.target_framework
            if not target or not framework:
                continue
            entry = frameworks.setdefault(framework, {})
            label = alignment.target_name or target
            entry.setdefault(target, (label, set()))[1].add(item.identity)
    for framework, targets in sorted(frameworks.items()):
        holders = set().union(*(ids for _, ids in targets.values()))
        if len(holders) < _MIN_SHARED:
            continue
        components: dict[str, Any] = {}
        keys: list[str] = []
        for target, (label, _) in sorted(targets.items()):
            key, n = _slug(label), 2
            while key in components:
                key, n = f"{_slug(label)}-{n}", n + 1
            keys.append(key)
            components[key] = {"name": label, "match": {"alignment": target}}
        doc = {
            "id": f"framework-{_slug(framework)}",
            "name": f"{framework}: aligned credentials",
            "description": (
                f"The {framework} target{'s' if len(targets) != 1 else ''} "
                "your credentials align to"
            ),
            "goal": {"require": "all", "of": keys},
            "components": components,
        }
        header = [
            f"Suggested by credwallet: {len(holders)} credentials align to {framework}.",
            "Add the targets you still aim for as more components, then: "
            "credwallet pathway add FILE",
        ]
        proposals.append((frozenset(holders), _toml(header, doc)))

    # 2. Shared tags, 3. one issuer's series: a leaf per achievement.
    by_tag: dict[str, list[_Item]] = {}
    by_issuer: dict[str, list[_Item]] = {}
    for item in items:
        for tag in dict.fromkeys(t.strip().casefold() for t in item.held.tags if t.strip()):
            by_tag.setdefault(tag, []).append(item)
        issuer = item.held.credential.issuer
        issuer_key = issuer.id or issuer.name
        if issuer_key:
            by_issuer.setdefault(issuer_key, []).append(item)
    for tag, members in sorted(by_tag.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(members) < _MIN_SHARED:
            continue
        keys, components = _leaves(members)
        doc = {
            "id": f"tag-{_slug(tag)}",
            "name": f"{tag.title()} credentials",
            "description": f"The {len(members)} credentials you tagged {tag!r}",
            "goal": {"require": "all", "of": keys},
            "components": components,
        }
        total = sum(m.credits or 0.0 for m in members)
        if total > 0:
            components["credits"] = {
                "name": f"Credits from {tag!r} credentials",
                "require": "credits",
                "min": int(total) if float(total).is_integer() else total,
                "from": {"tag": tag},
                "shared": True,
            }
            if any(m.expired for m in members):
                components["credits"]["allow"] = ["expired"]
            keys.append("credits")
        header = [
            f"Suggested by credwallet: {len(members)} credentials share the tag {tag!r}.",
            "Raise `min` or add the courses you still plan, then: credwallet pathway add FILE",
        ]
        proposals.append((frozenset(m.identity for m in members), _toml(header, doc)))
    for issuer_key, members in sorted(by_issuer.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(members) < _MIN_SHARED:
            continue
        issuer_name = members[0].held.credential.issuer.name or issuer_key
        keys, components = _leaves(members)
        doc = {
            "id": f"issuer-{_slug(issuer_name)}",
            "name": f"{issuer_name} series",
            "description": f"The {len(members)} credentials you hold from {issuer_name}",
            "goal": {"require": "all", "of": keys},
            "components": components,
        }
        header = [
            f"Suggested by credwallet: {len(members)} credentials from {issuer_name}.",
            "Add the issuer's courses you still plan, then: credwallet pathway add FILE",
        ]
        proposals.append((frozenset(m.identity for m in members), _toml(header, doc)))

    out: list[str] = []
    seen: set[frozenset[str]] = set()
    for identities, text in proposals:
        if identities in seen:
            continue  # the same credentials, found by another signal
        seen.add(identities)
        load_pathway_toml(text, source="suggestion")  # a suggestion must be a valid pathway
        out.append(text)
    return out[:MAX_SUGGESTIONS]
