"""Pathways in the wallet: stored sealed, evaluated against what the wallet holds.

A pathway record keeps the text it came from (TOML byte for byte, so `export` gives the user's
own file back with its comments), where it came from, and the manual steps ticked by the holder.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credwallet.errors import (
    BadInput,
    CredwalletError,
    DamagedWallet,
    NotFound,
    UsageError,
    WalletExists,
)
from credwallet.models import ReportStatus

if TYPE_CHECKING:
    from credwallet.pathways import Pathway, PathwayProgress
    from credwallet.store import Store, StoredRecord
    from credwallet.wallet.held import Held

__all__ = ["KIND_PATHWAY", "PathwayBook", "StoredPathway", "candidates"]

KIND_PATHWAY = "pathway"


@dataclass(frozen=True, slots=True)
class StoredPathway:
    record_id: str
    pathway: Pathway
    origin: str  # "toml" (text kept byte for byte) or "ctdl" (converted on import)
    ticks: frozenset[str]
    not_converted: tuple[str, ...] = ()


def _dedup(pathway_id: str) -> bytes:
    return b"pathway:" + pathway_id.encode("utf-8")


def _encode(
    pathway: Pathway, origin: str, ticks: frozenset[str], not_converted: Sequence[str]
) -> bytes:
    from credwallet.pathways import dump_pathway_toml

    text = (
        pathway.text
        if origin == "toml" and pathway.text is not None
        else dump_pathway_toml(pathway)
    )
    body = {
        "id": pathway.id,
        "origin": origin,
        "text": text,
        "ticks": sorted(ticks),
        "not_converted": list(not_converted),
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def decode_pathway(record_id: str, payload: bytes) -> StoredPathway:
    """A stored pathway record as the wallet reads it (restore checks payloads with it)."""
    return _decode(record_id, payload)


def _decode(record_id: str, payload: bytes) -> StoredPathway:
    from credwallet.pathways import load_pathway_toml

    try:
        body = json.loads(payload)
        pathway = load_pathway_toml(str(body["text"]), source=f"pathway {body['id']}")
        return StoredPathway(
            record_id,
            pathway,
            str(body["origin"]),
            frozenset(str(t) for t in body.get("ticks", [])),
            tuple(str(n) for n in body.get("not_converted", [])),
        )
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError, BadInput) as exc:
        raise DamagedWallet("a pathway record is malformed") from exc


def to_held(items: Sequence[Held]) -> list[Any]:
    from credwallet.pathways import HeldCredential

    return [
        HeldCredential(
            wallet_id=h.wallet_id,
            credential=h.credential,
            status=ReportStatus(h.status),
            report=h.report,
            tags=h.tags,
        )
        for h in items
    ]


def candidates(names: Sequence[str], *, shown: int = 8) -> str:
    """The candidates of an ambiguous prefix, on one line (the first few when there are many)."""
    listed = ", ".join(names[:shown])
    return listed if len(names) <= shown else f"{listed}, and {len(names) - shown} more"


class PathwayBook:
    """The wallet's pathways (one sealed record each)."""

    def __init__(self, store: Store, skipped: list[tuple[str, str, str]] | None = None) -> None:
        self._store = store
        # Where unreadable pathway records are noted (record id, kind, reason) when listed.
        self._skipped = skipped if skipped is not None else []

    def all(self) -> list[StoredPathway]:
        """Every readable pathway; an unreadable record is skipped (and noted), not fatal."""
        found = []
        for record in self._store.records(KIND_PATHWAY):
            try:
                found.append(_decode(record.id, record.payload))
            except CredwalletError as exc:
                self._skipped.append((record.id, KIND_PATHWAY, exc.message))
        return sorted(found, key=lambda p: p.pathway.id)

    def get(self, pathway_id: str) -> StoredPathway:
        """The pathway with this id, or the only one whose id starts with it."""
        record_id = self._store.find_dedup(_dedup(pathway_id))
        if record_id is not None:
            return _decode(record_id, self._store.get(record_id).payload)
        found = [p for p in self.all() if pathway_id and p.pathway.id.startswith(pathway_id)]
        if not found:
            raise NotFound(f"no pathway {pathway_id!r} (see `credwallet pathway list`)")
        if len(found) > 1:
            raise UsageError(
                f"pathway id prefix {pathway_id!r} matches {len(found)} pathways: "
                f"{candidates([p.pathway.id for p in found])}"
            )
        return found[0]

    def _save(
        self, pathway: Pathway, origin: str, not_converted: Sequence[str], replace: bool
    ) -> StoredPathway:
        existing = self._store.find_dedup(_dedup(pathway.id))
        if existing is not None and not replace:
            raise WalletExists(f"a pathway {pathway.id!r} exists; use --replace to update it")
        payload = _encode(pathway, origin, frozenset(), not_converted)
        if existing is not None:
            self._store.update(existing, payload)
            return _decode(existing, payload)
        record_id, _ = self._store.put(KIND_PATHWAY, payload, dedup_key=_dedup(pathway.id))
        return _decode(record_id, payload)

    def add_toml(self, text: str, *, source: str, replace: bool = False) -> StoredPathway:
        from credwallet.pathways import load_pathway_toml

        return self._save(load_pathway_toml(text, source=source), "toml", (), replace)

    def import_ctdl(self, data: bytes, *, replace: bool = False) -> StoredPathway:
        from credwallet.pathways import import_ctdl

        pathway, not_converted = import_ctdl(data)
        return self._save(pathway, "ctdl", not_converted, replace)

    def remove(self, pathway_id: str) -> None:
        self._store.delete(self.get(pathway_id).record_id)

    def export(self, pathway_id: str) -> str:
        from credwallet.pathways import dump_pathway_toml

        stored = self.get(pathway_id)
        if stored.origin == "toml" and stored.pathway.text is not None:
            return stored.pathway.text
        return dump_pathway_toml(stored.pathway)

    def tick(self, pathway_id: str, key: str, *, undo: bool = False) -> StoredPathway:
        from credwallet.pathways import NodeKind

        stored = self.get(pathway_id)
        try:
            node = stored.pathway.node(key)
        except KeyError:
            raise NotFound(f"pathway {pathway_id!r} has no step {key!r}") from None
        if node.kind is not NodeKind.MANUAL:
            raise UsageError(f"{key!r} is not a manual step: credentials complete it")

        def retick(record: StoredRecord) -> bytes:
            # Under the write lock, on the pathway as stored now: a tick another process
            # made meanwhile (or a --replace) is not overwritten with this process's old copy.
            now = _decode(record.id, record.payload)
            ticks = now.ticks - {key} if undo else now.ticks | {key}
            return _encode(now.pathway, now.origin, ticks, now.not_converted)

        updated = self._store.modify(stored.record_id, retick)
        return _decode(updated.id, updated.payload)

    def progress(
        self, stored: StoredPathway, held: Sequence[Held], *, now: datetime
    ) -> PathwayProgress:
        from credwallet.pathways import evaluate

        return evaluate(stored.pathway, to_held(held), now=now, ticks=stored.ticks)

    def add_examples(self, folder: Path) -> list[StoredPathway]:
        """The demo's pathways: every TOML and CTDL file in ``folder``."""
        added = []
        for path in sorted(folder.glob("*.toml")):
            added.append(self.add_toml(path.read_text("utf-8"), source=path.name, replace=True))
        for path in sorted(folder.glob("*.json")):
            added.append(self.import_ctdl(path.read_bytes(), replace=True))
        return added
