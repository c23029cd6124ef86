"""The library facade the CLI calls: one method per user action.

A :class:`Wallet` wraps an open encrypted store. Time and the network are parameters
(``now=``, ``offline=``) so that every result can be reproduced exactly in tests.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from credwallet.errors import (
    BadInput,
    CredwalletError,
    ExitCode,
    LimitExceeded,
    NotACredential,
    NotFound,
    UsageError,
)
from credwallet.models import Credential, ReportStatus, VerificationReport
from credwallet.verify.state import credential_state
from credwallet.wallet.held import Held
from credwallet.wallet.records import CredentialRecord
from credwallet.wallet.sources import Source, SourceFailure, expand_sources
from credwallet.wallet.verifying import is_image, qr_credentials_each
from credwallet.wallet.views import credential_view

if TYPE_CHECKING:
    from credwallet.store import Store, StoredRecord

__all__ = [
    "ImportOutcome",
    "ImportSummary",
    "Unlock",
    "Wallet",
    "backup_wallet",
    "restore_wallet",
]

KIND_CREDENTIAL = "credential"
KIND_IDENTITY = "identity"
KIND_HOLDER_KEY = "holder-key"
IMPORT_CHUNK = 100
REVERIFY_CHUNK = 200


@dataclass(frozen=True, slots=True)
class Unlock:
    """How to open the wallet: a session token, or a way to get the passphrase (asked lazily)."""

    session: str | None = None
    passphrase: Callable[[], str] | None = None


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    source: str
    result: str  # imported | duplicate | skipped | refused | failed
    wallet_id: str | None = None
    name: str | None = None
    status: str | None = None
    message: str = ""
    exit_code: int = 0
    state: str | None = None  # the credential's state name (credwallet.verify.state)
    state_label: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "result": self.result,
            "id": self.wallet_id,
            "name": self.name,
            "status": self.status,
            "state": self.state,
            "state_label": self.state_label,
            "message": self.message,
        }


@dataclass
class ImportSummary:
    outcomes: list[ImportOutcome] = field(default_factory=list)
    origins: list[Any] = field(default_factory=list)  # other wallets' exports (migrate.Origin)

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    def origin_summaries(self) -> list[dict[str, Any]]:
        """Per export file: "Learner Credential Wallet backup: 12 credentials, 11 imported,
        1 duplicate; 2 keys and 1 profile not imported"."""
        result = []
        for origin in self.origins:
            mine = [o for o in self.outcomes if origin.owns(o.source)]
            counts = {r: sum(1 for o in mine if o.result == r) for r in _RESULTS}
            parts = [f"{len(mine)} credential{'' if len(mine) == 1 else 's'}"]
            parts += [f"{n} {r}" for r, n in counts.items() if n and r != "skipped"]
            text = f"{origin.label} {origin.name}: " + ", ".join(parts)
            if origin.left_out:
                text += "; " + _and(origin.left_out) + " not imported"
            if origin.adopted:
                text += "; kept as your identities: " + ", ".join(origin.adopted)
            result.append(
                {
                    "source": origin.name,
                    "kind": origin.label,
                    "credentials": len(mine),
                    **counts,
                    "not_imported": list(origin.left_out),
                    "adopted_identities": list(origin.adopted),
                    "summary": text,
                }
            )
        return result

    @property
    def exit_code(self) -> ExitCode:
        codes = {o.exit_code for o in self.outcomes if o.result in {"refused", "failed"}}
        if ExitCode.INVALID in codes:
            return ExitCode.INVALID
        if codes:
            return ExitCode(max(codes))
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {
            "imported": self.count("imported"),
            "duplicates": self.count("duplicate"),
            "refused": self.count("refused"),
            "failed": self.count("failed"),
            "skipped": self.count("skipped"),
            "items": [o.to_json() for o in self.outcomes],
            "sources": self.origin_summaries(),
        }


_RESULTS = ("imported", "duplicate", "refused", "failed", "skipped")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _now() -> datetime:
    return datetime.now(UTC)


def dedup_material(credential: Credential) -> bytes:
    """The canonical content that makes two imports "the same credential".

    A badge baked into a PNG and the same badge as JSON are duplicates: both reduce to the
    credential document (or the JWS for JWT-secured ones), canonicalised with RFC 8785.
    """
    if credential.jws:
        return b"jws:" + credential.jws.encode("ascii", "replace")
    from credwallet.verify.jcs import canonicalize

    try:
        return b"jcs:" + canonicalize(credential.document)
    except CredwalletError:
        return b"raw:" + credential.original


def content_key(credential: Credential) -> str:
    """What makes two containers hold "the same credential": its content without the proof.

    A JSON credential with an embedded proof and the VC-JWT of the same credential differ
    only in how they are secured; a baked image and its JSON hold the same document. The key
    is the SHA-256 of the RFC 8785 form of the document with ``proof`` left out (whatever the
    container: a VC-JWT's payload is the same credential as its JSON-LD twin).
    """
    import hashlib

    from credwallet.verify.jcs import canonicalize

    body = {k: v for k, v in credential.document.items() if k != "proof"}
    try:
        material = canonicalize(body)
    except CredwalletError:
        material = credential.original
    return hashlib.sha256(b"content:" + material).hexdigest()


def dedup_and_content_key(credential: Credential) -> tuple[bytes, str]:
    """``(dedup_material(credential), content_key(credential))``: import needs both for every
    credential, and both canonicalise the document (with and without its proof)."""
    if credential.jws:
        return dedup_material(credential), content_key(credential)
    import hashlib

    from credwallet.verify.jcs import canonicalize_with_and_without

    try:
        whole, body = canonicalize_with_and_without(credential.document, "proof")
    except CredwalletError:  # each falls back to the original bytes its own way
        return dedup_material(credential), content_key(credential)
    return b"jcs:" + whole, hashlib.sha256(b"content:" + body).hexdigest()


class Wallet:
    """An open wallet. Use as a context manager, or call :meth:`close`."""

    def __init__(self, home: Path, store: Store, *, now: Callable[[], datetime] = _now) -> None:
        self.home = home
        self._store = store
        self._now = now
        self._fetchers: dict[bool, Any] = {}
        self._content_keys: dict[str, str] | None = None
        self._trust: Any = None  # the issuer-trust settings, read once (wallet/trust.py)
        # The holder's identities while a batch (import, reverify) runs: read once per batch,
        # not once per credential (each read scans the records). None outside a batch.
        self._batch_identities: tuple[str, ...] | None = None
        self._batch_depth = 0
        # Records a listing skipped because they cannot be read: (record id, kind, reason).
        self.skipped: list[tuple[str, str, str]] = []

    # --- lifecycle ----------------------------------------------------------------------------

    @staticmethod
    def exists(home: Path) -> bool:
        from credwallet.store import Store

        return Store.exists(home)

    @classmethod
    def create(cls, home: Path, passphrase: str) -> Wallet:
        from credwallet.store import Store
        from credwallet.verify.keys import SigningKey

        key = SigningKey.generate("Ed25519")
        # The holder key is written in the same transaction as the wallet itself: a crash
        # can never leave a wallet without one.
        store = Store.create(
            home,
            passphrase,
            initial=[(KIND_HOLDER_KEY, key.private_bytes())],
            replace_leftover=True,
        )
        return cls(home, store)

    @staticmethod
    def leftover(home: Path) -> str | None:
        """Why the wallet at ``home`` is an unfinished ``init`` that may be replaced, if it is."""
        from credwallet.store import Store

        return Store.leftover(home)

    @classmethod
    def open(cls, home: Path, unlock: Unlock, *, check_catalog: bool = True) -> Wallet:
        """Open with a session or a passphrase. ``check_catalog=False`` is for `check` only:
        it lets a tampered wallet be inspected (writes still refuse a catalog mismatch)."""
        from credwallet.store import Store

        if not Store.exists(home):
            from credwallet.errors import WalletNotFound

            raise WalletNotFound(f"no wallet at {home}; create one with `credwallet init`")
        if unlock.session:
            return cls(home, Store.open_session(home, unlock.session, check_catalog=check_catalog))
        if unlock.passphrase is None:
            from credwallet.errors import NoPassphrase

            raise NoPassphrase("no passphrase given and no terminal to ask on")
        return cls(home, Store.open(home, unlock.passphrase(), check_catalog=check_catalog))

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Wallet:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def store(self) -> Store:
        return self._store

    # --- secrets and sessions -----------------------------------------------------------------

    def change_passphrase(self, new_passphrase: str) -> None:
        self._store.change_passphrase(new_passphrase)

    def start_session(self, ttl_seconds: int) -> str:
        return self._store.create_session(ttl_seconds)

    def end_session(self, token: str) -> None:
        self._store.end_session(token)

    def end_all_sessions(self) -> None:
        self._store.end_all_sessions()

    def holder_key(self) -> Any:
        from credwallet.verify.keys import SigningKey

        records = self._store.records(KIND_HOLDER_KEY)
        if not records:
            from credwallet.errors import DamagedWallet

            raise DamagedWallet("the wallet has no holder key")
        return SigningKey.from_seed(records[0].payload)

    def holder_did(self) -> str:
        return str(self.holder_key().did_key)

    # --- reading ------------------------------------------------------------------------------

    def _held(self, record_id: str, payload: bytes, *, now: datetime) -> Held | None:
        try:
            return read_held(record_id, payload, now=now)
        except (CredwalletError, ValueError, TypeError, KeyError) as exc:
            # One unreadable record must not hide the others: it is skipped here, listed in
            # `skipped` (show warns), and reported by `check`.
            self.skipped.append((record_id, KIND_CREDENTIAL, _reason(exc)))
            return None

    def credentials(self, *, now: datetime | None = None) -> list[Held]:
        from credwallet.wallet.gcpause import paused_gc
        from credwallet.wallet.groups import assign_groups

        when = now or self._now()
        held = []
        with paused_gc():
            for rec in self._store.records(KIND_CREDENTIAL):
                item = self._held(rec.id, rec.payload, now=when)
                if item is not None:
                    held.append(item)
            return assign_groups(held)

    def unreadable_records(self, *, now: datetime | None = None) -> list[tuple[str, str, str]]:
        """(record id, kind, reason) for every stored record the wallet cannot read."""
        from credwallet.wallet.payloads import unreadable_reason

        when = now or self._now()
        found = []
        for rec in self._store.records():
            reason = unreadable_reason(rec.kind, rec.payload, now=when)
            if reason is not None:
                found.append((rec.id, rec.kind, reason))
        return found

    def resolve_id(self, id_or_prefix: str) -> str:
        """The full wallet id for an id or any unique prefix of one (case-insensitive)."""
        wanted = id_or_prefix.strip().lower()
        if not wanted:
            raise UsageError("an empty id matches every credential")
        # Ids are stored in the clear: no record needs decrypting to find one.
        ids = [i for i in self._store.ids(KIND_CREDENTIAL) if i.startswith(wanted)]
        if not ids:
            raise NotFound(f"no credential with id {id_or_prefix!r}")
        if len(ids) > 1:
            from credwallet.wallet.pathways import candidates

            raise UsageError(
                f"id prefix {id_or_prefix!r} matches {len(ids)} credentials: "
                f"{candidates(sorted(i[:12] for i in ids))}"
            )
        return ids[0]

    def get(self, id_or_prefix: str, *, now: datetime | None = None) -> Held:
        record_id = self.resolve_id(id_or_prefix)
        rec = self._store.get(record_id)
        try:
            return read_held(rec.id, rec.payload, now=now or self._now())
        except (CredwalletError, ValueError, TypeError, KeyError) as exc:
            raise BadInput(f"credential {record_id[:8]} cannot be read ({_reason(exc)})") from None

    # --- organising ---------------------------------------------------------------------------

    def tag(self, id_or_prefix: str, tags: Sequence[str], *, remove: bool = False) -> Held:
        clean = [t.strip() for t in tags if t.strip()]
        if not clean:
            raise UsageError("give at least one non-empty tag")
        held = self.get(id_or_prefix)

        def retag(stored: StoredRecord) -> bytes:
            # Runs under the write lock on the record as it is now: tags another process
            # added since `get` above are kept.
            record = CredentialRecord.from_bytes(stored.payload)
            current = list(record.tags)
            if remove:
                current = [t for t in current if t not in clean]
            else:
                current += [t for t in clean if t not in current]
            return record.with_tags(tuple(current)).to_bytes()

        self._store.modify(held.wallet_id, retag)
        return self.get(held.wallet_id)

    def remove(self, id_or_prefix: str) -> str:
        """Delete a credential for good: the record goes, SQLite's secure_delete zeroes its
        pages, and the write-ahead log is folded back so no old copy lingers there. Pathway
        progress is computed from what is held, so it no longer counts the credential."""
        record_id = self.resolve_id(id_or_prefix)
        self._store.delete(record_id)
        self._store.compact()
        return record_id

    # --- importing ----------------------------------------------------------------------------

    def import_sources(
        self,
        names: Sequence[str],
        *,
        allow_invalid: bool = False,
        verify: bool = True,
        offline: bool = False,
        now: datetime | None = None,
        progress: Callable[[str], None] | None = None,
        export_passphrase: Callable[[], str] | None = None,
        adopt_keys: bool = False,
    ) -> ImportSummary:
        """Parse, verify and store all that ``names`` points at; one bad file stops nothing.

        Other wallets' exports (a zip of badges, a Learner Credential Wallet backup) are opened
        first (``export_passphrase`` is asked only for an encrypted one); their private keys
        are kept only with ``adopt_keys``.
        """
        with self._identities_batch():
            return self._import_sources(
                names,
                allow_invalid=allow_invalid,
                verify=verify,
                offline=offline,
                now=now,
                progress=progress,
                export_passphrase=export_passphrase,
                adopt_keys=adopt_keys,
            )

    def _import_sources(
        self,
        names: Sequence[str],
        *,
        allow_invalid: bool,
        verify: bool,
        offline: bool,
        now: datetime | None,
        progress: Callable[[str], None] | None,
        export_passphrase: Callable[[], str] | None,
        adopt_keys: bool,
    ) -> ImportSummary:
        when = now or self._now()
        summary = ImportSummary()
        pending: list[tuple[str, Credential, CredentialRecord]] = []
        qr_images: list[Source] = []  # images with no baked credential: QR codes, maybe in parts
        asked = _Once(export_passphrase)
        for item in self._iter_sources(names, offline=offline):
            if isinstance(item, SourceFailure):
                summary.outcomes.append(_failed(item.name, item.error))
                continue
            for one in self._unpacked(item, summary, asked, adopt_keys):
                # Parsed once here: an image with no baked credential is read for QR codes.
                parsed = _parse_source(one)
                if is_image(one.data) and isinstance(parsed, NotACredential):
                    qr_images.append(one)
                else:
                    self._prepare(
                        one, pending, summary, allow_invalid, verify, offline, when, parsed
                    )
                if progress:
                    progress(one.name)
                if len(pending) >= IMPORT_CHUNK:
                    # Store as we go: a long import keeps its progress if it is interrupted,
                    # and each chunk is one short transaction so others wait only briefly.
                    self._store_pending(pending, summary)
                    pending.clear()
        if qr_images:
            self._prepare_qr(qr_images, pending, summary, allow_invalid, verify, offline, when)
        self._store_pending(pending, summary)
        return summary

    def _unpacked(
        self, source: Source, summary: ImportSummary, asked: _Once, adopt_keys: bool
    ) -> list[Source]:
        """The source itself, or the credentials inside another wallet's export."""
        from credwallet.wallet.migrate import unpack

        try:
            unpacked = unpack(
                source, passphrase=asked.get if asked.usable else None, adopt_keys=adopt_keys
            )
        except CredwalletError as exc:
            summary.outcomes.append(_failed(source.name, exc))
            return []
        if unpacked is None:
            return [source]
        summary.origins.append(unpacked.origin)
        for did in unpacked.origin.adopted:
            self.adopt_identity(did, unpacked.origin.keys, unpacked.origin.did_documents)
        return unpacked.sources

    def adopt_identity(self, did: str, keys: Sequence[Any], did_documents: Sequence[Any]) -> bool:
        """Keep an old holder DID (from another wallet) as an identity, with its key material
        sealed in the same record, so credentials issued to it still match ``recipient``."""
        material = [k for k in keys if isinstance(k, dict) and k.get("controller") == did]
        documents = [d for d in did_documents if isinstance(d, dict) and d.get("id") == did]
        payload = json.dumps(
            {"identity": did, "adopted_keys": material, "did_documents": documents}
        ).encode()
        _, created = self._store.put(
            KIND_IDENTITY, payload, dedup_key=b"identity:" + did.casefold().encode()
        )
        self._batch_identities = None  # read again (a batch that adopts one sees it)
        return created

    def _prepare_qr(
        self,
        images: list[Source],
        pending: list[tuple[str, Credential, CredentialRecord]],
        summary: ImportSummary,
        allow_invalid: bool,
        verify: bool,
        offline: bool,
        now: datetime,
    ) -> None:
        """Read the QR codes image by image: parts of a large credential may span several,
        and an image that holds no credwallet code fails (or, in a folder, is skipped) alone."""
        found, failures = qr_credentials_each(
            [i.data for i in images], fetcher=self.fetcher(offline=offline), offline=offline
        )
        used = {index for _, owners in found for index in owners}
        for index, image in enumerate(images):
            failure = failures.get(index)
            if failure is None and index in used:
                continue
            if failure is None:
                failure = NotACredential(
                    "not a credential: an image with no baked credential and no QR code"
                )
            if image.found_in_folder and isinstance(failure, NotACredential):
                summary.outcomes.append(
                    ImportOutcome(image.name, "skipped", message=failure.message, exit_code=7)
                )
            else:
                summary.outcomes.append(_failed(image.name, failure))
        for credential, owners in found:
            name = (
                images[owners[0]].name if len(owners) == 1 else f"QR codes in {len(owners)} images"
            )
            source = Source(name, credential.original)
            self._prepare(source, pending, summary, allow_invalid, verify, offline, now)

    def _iter_sources(
        self, names: Sequence[str], *, offline: bool
    ) -> Iterator[Source | SourceFailure]:
        for item in expand_sources(list(names)):
            if isinstance(item, str):
                yield self._fetch_source(item, offline=offline)
            else:
                yield item

    def _fetch_source(self, url: str, *, offline: bool) -> Source | SourceFailure:
        try:
            fetched = self.fetcher(offline=offline).fetch(url, accept="application/json, image/*")
        except CredwalletError as exc:
            return SourceFailure(url, exc)
        return Source(url, fetched.body)

    def _prepare(
        self,
        source: Source,
        pending: list[tuple[str, Credential, CredentialRecord]],
        summary: ImportSummary,
        allow_invalid: bool,
        verify: bool,
        offline: bool,
        now: datetime,
        parsed: list[Credential] | CredwalletError | None = None,
    ) -> None:
        if parsed is None:
            parsed = _parse_source(source)
        try:
            if isinstance(parsed, CredwalletError):
                raise parsed
            credentials = parsed
            if not credentials:
                # A presentation of none (a holder proof only): nothing to keep, but the input
                # must still get an outcome, or the import would end silently with exit 0.
                raise NotACredential("not a credential: a presentation that holds no credentials")
        except NotACredential as exc:
            if source.found_in_folder:
                # A folder of badges often holds a README or a logo too: not an error.
                summary.outcomes.append(ImportOutcome(source.name, "skipped", message=exc.message))
            else:
                summary.outcomes.append(_failed(source.name, exc))
            return
        except CredwalletError as exc:
            summary.outcomes.append(_failed(source.name, exc))
            return
        for index, credential in enumerate(credentials):
            name = source.name if len(credentials) == 1 else f"{source.name}#{index + 1}"
            report = (
                self.verify_credential(credential, source=name, offline=offline, now=now)
                if verify
                else None
            )
            if report is not None and _refused(report) and not allow_invalid:
                reason = _first_failure(report)
                refused_state = credential_state(report)
                summary.outcomes.append(
                    ImportOutcome(
                        name,
                        "refused",
                        name=credential.display_name,
                        status=str(report.status),
                        state=refused_state.name,
                        state_label=refused_state.label,
                        message=f"refused: {reason} (use --allow-invalid to keep it anyway)",
                        exit_code=int(ExitCode.INVALID),
                    )
                )
                continue
            badge_info = self._badge_info(credential, offline=offline, now=now) if verify else None
            record = CredentialRecord(
                original=credential.original,
                source=name,
                imported_at=now,
                report=report,
                badge_info=badge_info,
                view=credential_view(credential),
            )
            pending.append((name, _shown(credential, badge_info), record))

    def _store_pending(
        self,
        pending: list[tuple[str, Credential, CredentialRecord]],
        summary: ImportSummary,
    ) -> None:
        if not pending:
            return
        known = self._content_index()
        fresh: list[tuple[str, Credential, CredentialRecord]] = []
        items: list[tuple[str, bytes, bytes | None]] = []
        for name, credential, record in pending:
            material, key = dedup_and_content_key(credential)
            keyed = replace(record, content_key=key)
            if key in known:  # the same credential, held already in another container
                self._add_copy(known[key], name, credential, keyed, summary)
            else:
                fresh.append((name, credential, keyed))
                items.append((KIND_CREDENTIAL, keyed.to_bytes(), material))
        results = self._store.put_many(items)
        for (name, credential, record), (record_id, created) in zip(fresh, results, strict=True):
            known.setdefault(record.content_key or "", record_id)
            if not created:
                self._add_copy(record_id, name, credential, record, summary)
                continue
            summary.outcomes.append(_outcome(name, "imported", record_id, credential, record))

    def _content_index(self) -> dict[str, str]:
        """content key -> wallet id of every held credential (computed once per import)."""
        if self._content_keys is None:
            index: dict[str, str] = {}
            for rec in self._store.records(KIND_CREDENTIAL):
                record = CredentialRecord.from_bytes(rec.payload)
                key = record.content_key
                if key is None:  # written before content keys were kept
                    from credwallet.formats import parse

                    try:
                        key = content_key(parse(record.original))
                    except BadInput:
                        continue
                index.setdefault(key, rec.id)
            self._content_keys = index
        return self._content_keys

    def _add_copy(
        self,
        record_id: str,
        name: str,
        credential: Credential,
        record: CredentialRecord,
        summary: ImportSummary,
    ) -> None:
        """A credential held already: keep this container's original with it (one entry)."""
        held = CredentialRecord.from_bytes(self._store.get(record_id).payload)
        updated = held.with_copy(
            credential.original,
            container=str(credential.container),
            source=name,
            at=record.imported_at,
        )
        message = f"already in the wallet as {record_id[:8]}"
        if updated is not held:
            self._store.update(record_id, updated.to_bytes())
            message += f" (this {credential.container} copy is kept with it)"
        summary.outcomes.append(
            _outcome(name, "duplicate", record_id, credential, held, message=message)
        )

    # --- pathways ---------------------------------------------------------------------------

    @property
    def pathways(self) -> Any:
        from credwallet.wallet.pathways import PathwayBook

        return PathwayBook(self._store, self.skipped)

    def pathway_progress_all(self, *, now: datetime | None = None) -> list[dict[str, Any]]:
        """Every pathway's progress as `pathway show --json` gives it (for `show`)."""
        when = now or self._now()
        book = self.pathways
        stored = book.all()
        if not stored:
            return []
        held = self.credentials(now=when)
        results = []
        for item in stored:
            try:
                results.append(book.progress(item, held, now=when).to_json())
            except LimitExceeded as exc:
                # One pathway too broad to evaluate exactly must not hide all the others.
                results.append(
                    {"id": item.pathway.id, "name": item.pathway.name, "error": exc.message}
                )
        return results

    def pathway_progress(self, pathway_id: str, *, now: datetime | None = None) -> Any:
        when = now or self._now()
        book = self.pathways
        return book.progress(book.get(pathway_id), self.credentials(now=when), now=when)

    def shared_items(
        self,
        ids: Sequence[str] | None,
        *,
        now: datetime | None = None,
        one_per_achievement: bool = False,
    ) -> list[Any]:
        """The chosen credentials (all when ``ids`` is empty) with the pathways they count for.

        ``one_per_achievement`` (résumés): of an OB 2.0 badge and its OB 3.0 re-issue, only the
        newest valid one."""
        from credwallet.share.items import SharedItem

        when = now or self._now()
        held = [self.get(i, now=when) for i in ids] if ids else self.credentials(now=when)
        if one_per_achievement:
            from credwallet.wallet.groups import newest_valid_per_group

            held = newest_valid_per_group(held)
        counted: dict[str, list[str]] = {}
        for progress in self.pathway_progress_all(now=when):
            for wallet_id in _credential_ids(progress.get("components") or []):
                names = counted.setdefault(wallet_id, [])
                if progress["name"] not in names:
                    names.append(progress["name"])
        return [
            SharedItem(h.wallet_id, h.credential, h.report, tuple(counted.get(h.wallet_id, [])))
            for h in held
        ]

    def add_example_pathways(self, folder: Path) -> None:
        if folder.is_dir():
            self.pathways.add_examples(folder)

    # --- verification -------------------------------------------------------------------------

    def fetcher(self, *, offline: bool) -> Any:
        """The wallet's fetcher (its sealed cache); one per mode, so loaders are reused."""
        from credwallet.net import Fetcher, loopback_allowed_from_env
        from credwallet.wallet.cache import StoreCache

        if offline not in self._fetchers:
            self._fetchers[offline] = Fetcher(
                cache=StoreCache(self._store),
                offline=offline,
                allow_loopback=loopback_allowed_from_env(),
            )
        return self._fetchers[offline]

    def identities(self) -> list[tuple[str, str]]:
        """(record id, identity) pairs: the holder's emails, URLs and DIDs."""
        found = []
        for record in self._store.records(KIND_IDENTITY):
            try:
                found.append((record.id, decode_identity(record.payload)))
            except BadInput as exc:
                self.skipped.append((record.id, KIND_IDENTITY, exc.message))
        return found

    def add_identity(self, identity: str) -> bool:
        value = identity.strip()
        if not value:
            raise UsageError("an identity cannot be empty")
        payload = json.dumps({"identity": value}).encode()
        _, created = self._store.put(
            KIND_IDENTITY, payload, dedup_key=b"identity:" + value.casefold().encode()
        )
        self._batch_identities = None
        return created

    def remove_identity(self, identity: str) -> None:
        for record_id, value in self.identities():
            if value.casefold() == identity.strip().casefold():
                self._store.delete(record_id)
                self._batch_identities = None
                return
        raise NotFound(f"no identity {identity!r}")

    @contextlib.contextmanager
    def _identities_batch(self) -> Iterator[None]:
        """Within the block, :meth:`verify_credential` reads the identities once, not once per
        credential (each read scans the table and decrypts every identity record)."""
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if not self._batch_depth:
                self._batch_identities = None

    def _identity_values(self) -> tuple[str, ...]:
        if not self._batch_depth:
            return tuple(v for _, v in self.identities())
        if self._batch_identities is None:
            self._batch_identities = tuple(v for _, v in self.identities())
        return self._batch_identities

    def verify_credential(
        self, credential: Credential, *, source: str, offline: bool, now: datetime
    ) -> VerificationReport:
        from credwallet.wallet.verifying import verify_one

        return verify_one(
            credential,
            source=source,
            fetcher=self.fetcher(offline=offline),
            identities=self._identity_values(),
            offline=offline,
            now=now,
            trust=self.trust_config(),
        )

    # --- issuer trust (wallet/trust.py, verify/trust.py) ---------------------------------------

    def trust_config(self) -> Any:
        """The stored registries, pins and blocks (a verify.trust.TrustConfig)."""
        if self._trust is None:
            from credwallet.wallet.trust import load_trust

            self._trust = load_trust(self._store)
        return self._trust

    def _save_trust(self, config: Any) -> None:
        from credwallet.wallet.trust import save_trust

        save_trust(self._store, config)
        self._trust = config

    def _issuer_ids(self) -> list[str]:
        """Issuers of the held credentials: whose federation statements `trust` fetches."""
        return sorted(
            {h.credential.issuer.id for h in self.credentials() if h.credential.issuer.id}
        )

    def trust_settings(self) -> dict[str, Any]:
        from credwallet.wallet.trust import describe

        return describe(self.trust_config())

    def trust_add(self, source: str, *, name: str | None, offline: bool) -> list[dict[str, Any]]:
        """Follow what ``source`` (URL or file) holds; returns the registries added."""
        from credwallet.wallet.trust import add_source, describe

        config, added = add_source(
            self.trust_config(),
            source,
            fetcher=self.fetcher(offline=offline),
            name=name,
            issuers=self._issuer_ids(),
            now=self._now,
        )
        self._save_trust(config)
        sources = {r.source for r in added}
        return [r for r in describe(config)["registries"] if r["source"] in sources]

    def trust_update(self, *, offline: bool) -> list[dict[str, Any]]:
        from credwallet.wallet.trust import describe, update

        config = update(
            self.trust_config(),
            fetcher=self.fetcher(offline=offline),
            issuers=self._issuer_ids(),
            now=self._now,
        )
        self._save_trust(config)
        registries: list[dict[str, Any]] = describe(config)["registries"]
        return registries

    def trust_pin(self, issuer: str, name: str) -> None:
        from credwallet.wallet.trust import pin

        self._save_trust(pin(self.trust_config(), issuer, name))

    def trust_block(self, issuer: str, reason: str = "") -> None:
        from credwallet.wallet.trust import block

        self._save_trust(block(self.trust_config(), issuer, reason))

    def trust_remove(self, what: str) -> str:
        """Forget a pin, a block or a registry; says which it was."""
        from credwallet.wallet.trust import remove

        config, kind = remove(self.trust_config(), what)
        self._save_trust(config)
        return kind

    def reverify(
        self,
        ids: Sequence[str] | None,
        *,
        offline: bool,
        now: datetime | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[tuple[Held, VerificationReport]]:
        """Verify stored credentials again and store the fresh reports.

        ``progress(done, total)`` is called before each credential and once at the end.
        """
        when = now or self._now()
        targets = [self.get(i, now=when) for i in ids] if ids else self.credentials(now=when)
        results = []
        fresh: list[tuple[str, VerificationReport, Any, Any]] = []
        with self._identities_batch():
            for done, held in enumerate(targets):
                if progress:
                    progress(done, len(targets))
                report = self.verify_credential(
                    held.credential, source=held.wallet_id, offline=offline, now=when
                )
                info = None
                if held.record.badge_info is None:  # not resolvable at import: try again now
                    info = self._badge_info(held.credential, offline=offline, now=when)
                fresh.append((held.wallet_id, report, info, _fresh_view(held.record)))
                results.append((held, report))
                if len(fresh) >= REVERIFY_CHUNK:
                    # Stored as we go (an interrupted run keeps what it verified), one write
                    # transaction per chunk: each one re-MACs the whole catalog.
                    self._store_reports(fresh)
                    fresh.clear()
        self._store_reports(fresh)
        if progress and targets:
            progress(len(targets), len(targets))
        return results

    def _store_reports(self, fresh: Sequence[tuple[str, VerificationReport, Any, Any]]) -> None:
        """Replace only the report (and fill in missing badge info, or a view from other
        parsing code) on each record as it is now, under the write lock: tags added by another
        process meanwhile stay. A record removed by another process meanwhile is left out."""

        def with_report(
            report: VerificationReport, info: Any, view: Any
        ) -> Callable[[StoredRecord], bytes]:
            def change(stored: StoredRecord) -> bytes:
                record = CredentialRecord.from_bytes(stored.payload).with_report(report)
                if record.badge_info is None and info is not None:
                    record = record.with_badge_info(info)
                if view is not None:
                    record = record.with_view(view)
                return record.to_bytes()

            return change

        if fresh:
            changes = [(item[0], with_report(*item[1:])) for item in fresh]
            self._store.modify_many(changes)

    def _badge_info(self, credential: Credential, *, offline: bool, now: datetime) -> Any:
        from credwallet.wallet.badgeinfo import needs_badge_info, resolve_badge_info

        if not needs_badge_info(credential):
            return None
        return resolve_badge_info(credential, self.fetcher(offline=offline), now=now)


def _outcome(
    name: str,
    result: str,
    record_id: str,
    credential: Credential,
    record: CredentialRecord,
    *,
    message: str = "",
) -> ImportOutcome:
    status = str(record.report.status) if record.report else str(ReportStatus.UNVERIFIED)
    state = credential_state(record.report)
    return ImportOutcome(
        name,
        result,
        wallet_id=record_id,
        name=credential.display_name,
        status=status,
        message=message,
        state=state.name,
        state_label=state.label,
    )


class _Once:
    """Ask for an export's passphrase at most once per import, and only when needed."""

    def __init__(self, ask: Callable[[], str] | None) -> None:
        self._ask = ask
        self._value: str | None = None

    @property
    def usable(self) -> bool:
        return self._ask is not None

    def get(self) -> str:
        if self._value is None:
            assert self._ask is not None
            self._value = self._ask()
        return self._value


def _shown(credential: Credential, badge_info: Any) -> Credential:
    """The credential as views show it: with its resolved BadgeClass and Issuer, if any."""
    if badge_info is None:
        return credential
    from credwallet.wallet.badgeinfo import apply_badge_info

    return apply_badge_info(credential, badge_info)


def _fresh_view(record: CredentialRecord) -> Any:
    """A view for a record whose view is missing or from other parsing code, else None."""
    from credwallet.wallet.views import view_is_current

    if view_is_current(record.view):
        return None
    from credwallet.formats import parse

    try:
        return credential_view(parse(record.original))
    except CredwalletError:
        return None


def read_held(record_id: str, payload: bytes, *, now: datetime, use_view: bool = True) -> Held:
    """A stored credential record as every view reads it (restore checks payloads with it).

    The record's stored view (wallet.views) stands in for parsing the original when it is
    current; ``use_view=False`` parses the original whatever (checking a record)."""
    record = CredentialRecord.from_bytes(payload)
    credential = None
    if use_view and record.view is not None:
        from credwallet.wallet.views import credential_from_view

        credential = credential_from_view(record.view, record.original)
    if credential is None:
        from credwallet.formats import parse

        credential = parse(record.original)
    if record.badge_info is not None:
        from credwallet.wallet.badgeinfo import apply_badge_info

        credential = apply_badge_info(credential, record.badge_info)
    return Held(record_id, credential, record, _refresh(credential, record.report, now))


def decode_identity(payload: bytes) -> str:
    try:
        value = json.loads(payload)["identity"]
    except (ValueError, KeyError, TypeError):
        value = None
    if not isinstance(value, str) or not value.strip():
        raise BadInput("an identity record is malformed")
    return value


def _reason(exc: Exception) -> str:
    return exc.message if isinstance(exc, CredwalletError) else "malformed record"


def _credential_ids(nodes: list[dict[str, Any]]) -> Iterator[str]:
    """Wallet ids counted anywhere in a pathway progress tree (verified or pending)."""
    for node in nodes:
        yield from node.get("credentials") or []
        yield from node.get("pending_credentials") or []
        yield from _credential_ids(list(node.get("children") or []))


def _failed(name: str, error: CredwalletError) -> ImportOutcome:
    return ImportOutcome(name, "failed", message=error.message, exit_code=int(error.exit_code))


def _refused(report: VerificationReport) -> bool:
    """A forged proof or a key not the issuer's is refused; expired and revoked are kept."""
    from credwallet.models import CheckStatus

    return any(
        c.status is CheckStatus.FAIL
        for c in report.checks
        if c.name in {"proof", "issuer-key", "format"}
    )


def _first_failure(report: VerificationReport) -> str:
    from credwallet.models import CheckStatus

    for check in report.checks:
        if check.status is CheckStatus.FAIL:
            return f"{check.name}: {check.detail}" if check.detail else check.name
    return str(report.status)


def _refresh(
    credential: Credential, report: VerificationReport | None, now: datetime
) -> VerificationReport | None:
    """Re-judge the time window so that a credential that expired since import shows so.

    Only the validity check depends on the clock alone; everything else (signatures, status
    lists) needs `verify` again. The stored report is not changed here.
    """
    if report is None or report.check("validity") is None:
        return report
    from credwallet.models import Check, CheckStatus
    from credwallet.verify.validity import describe_instant

    start, end = credential.valid_from, credential.valid_until
    if end is not None and now >= end:
        fresh = Check("validity", CheckStatus.FAIL, f"expired on {describe_instant(end)}")
    elif start is not None and now < start:
        fresh = Check(
            "validity", CheckStatus.FAIL, f"not valid yet: valid from {describe_instant(start)}"
        )
    else:
        old = report.check("validity")
        time_failure = old is not None and old.detail.startswith(("expired", "not valid yet"))
        if old is not None and old.status is CheckStatus.FAIL and time_failure:
            fresh = Check("validity", CheckStatus.PASS, "in force at this time")
        else:
            return report
    checks = tuple(fresh if c.name == "validity" else c for c in report.checks)
    return VerificationReport(report.source, report.format, checks, report.checked_at)


# --- backup and restore (see credwallet.wallet.backup) ---------------------------------------


def backup_wallet(
    wallet: Wallet,
    out: Path,
    passphrase: str,
    *,
    log_n: int | None = None,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    from credwallet.wallet.backup import write_backup

    return write_backup(
        wallet.store, out, passphrase, now=_now(), log_n=log_n, force=force, progress=progress
    )


def restore_wallet(
    backup: Path,
    backup_passphrase: str,
    *,
    home: Path,
    into: Wallet | None,
    new_passphrase: str | None,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """Restore into an empty ``home`` (a new wallet) or, with ``into``, merge into that wallet."""
    from credwallet.wallet.backup import dedup_for_payload, read_backup, restore_backup

    records = read_backup(backup, backup_passphrase)
    return restore_backup(
        records,
        home=home,
        passphrase=new_passphrase,
        merge_into=into.store if into is not None else None,
        dedup_for=dedup_for_payload,
        progress=progress,
    )


def _parse_source(source: Source) -> list[Credential] | CredwalletError:
    """The credentials in one input, or the error that says why there are none."""
    from credwallet.formats import parse_all

    try:
        return parse_all(source.data)
    except CredwalletError as exc:
        return exc
