"""The plaintext archive inside a credwallet backup: JSON Lines with a header and a trailer.

A backup is an age file (see :mod:`credwallet.store.age`); decrypting it with ``age -d`` gives
this archive, which docs/backup-format.md specifies for people and other programs. In short,
UTF-8 text, one JSON object per LF-terminated line:

1. a header ``{"type": "credwallet-backup", "version": 1, "created": "...Z", "info": {...}}``;
2. one line per record ``{"type": "record", "kind": ..., "id": ..., "payload": <base64>,
   "meta": {...}}`` (``meta`` omitted when empty);
3. a trailer ``{"type": "end", "records": N, "kinds": {kind: count}, "sha256": <hex>}``, where
   the SHA-256 covers every byte before the trailer line. Nothing may follow it.

The archive layer knows nothing about what a kind means; the wallet decides what it writes and
how it restores it. It only guarantees that what it writes reads back identically, and that the
reader is strict: unknown or missing keys, duplicate keys, non-canonical base64, floats, NaN,
duplicate (kind, id) pairs, counts or a digest that do not match, a missing trailer or data
after it, and anything over :class:`ArchiveLimits` are all a one-line :class:`ArchiveError`
(exit 7) naming the line.

Both directions stream: :class:`ArchiveWriter` writes records one at a time to any binary sink
(an :class:`~credwallet.store.age.AgeWriter`, for a backup), and :class:`ArchiveReader` reads
from any iterable of byte chunks (what :func:`~credwallet.store.age.iter_decrypt_passphrase`
yields). A streaming reader yields records before it has checked the trailer: whoever restores
must not commit anything until the iteration has ended without an error.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Protocol

from credwallet.errors import BadInput, LimitExceeded

__all__ = [
    "ARCHIVE_TYPE",
    "ARCHIVE_VERSION",
    "Archive",
    "ArchiveError",
    "ArchiveHeader",
    "ArchiveLimits",
    "ArchiveReader",
    "ArchiveRecord",
    "ArchiveSummary",
    "ArchiveWriter",
    "MetaValue",
    "decode_archive",
    "encode_archive",
]

ARCHIVE_TYPE = "credwallet-backup"
ARCHIVE_VERSION = 1

MetaValue = str | int | bool | None

_KIND = re.compile(r"[a-z][a-z0-9-]{0,31}")
_KEY = re.compile(r"[a-z][a-z0-9_-]{0,63}")
_ID = re.compile(r"[\x21-\x7e]{1,256}")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_INT_LIMIT = 2**63
_MAX_INT_DIGITS = 20

_HEADER_KEYS = frozenset({"type", "version", "created", "info"})
_RECORD_KEYS = frozenset({"type", "kind", "id", "payload"})
_RECORD_OPTIONAL = frozenset({"meta"})
_TRAILER_KEYS = frozenset({"type", "records", "kinds", "sha256"})


class ArchiveError(BadInput):
    """Raised when: a backup archive is malformed, inconsistent, or not a credwallet archive."""


class _ArchiveLimitExceeded(ArchiveError, LimitExceeded):
    """Raised when: a backup archive is over one of its :class:`ArchiveLimits`."""


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """What the reader accepts. Defaults are far above any real wallet, far below a disk."""

    max_records: int = 1_000_000
    max_payload_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 16 * 1024 * 1024 * 1024
    max_meta_entries: int = 64
    max_text_chars: int = 4096

    @property
    def max_line_bytes(self) -> int:
        # A record line is its base64 payload plus a bounded amount of JSON around it.
        base64_size = 4 * ((self.max_payload_bytes + 2) // 3)
        meta_size = self.max_meta_entries * (6 * self.max_text_chars + 200)
        return base64_size + meta_size + 2048


@dataclass(frozen=True, slots=True)
class ArchiveRecord:
    """One item of a backup: what it is (``kind``), its id within the kind, its bytes, metadata.

    ``payload`` is opaque to the archive (often the original credential bytes, or JSON the wallet
    wrote); ``meta`` holds small flat values (strings, integers, booleans, null).
    """

    kind: str
    id: str
    payload: bytes = field(repr=False)
    meta: Mapping[str, MetaValue] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class ArchiveHeader:
    """The first line: when the backup was made and free-form string facts about it."""

    created: datetime
    info: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class ArchiveSummary:
    """What the trailer states (and the reader checked): record counts and the digest."""

    records: int
    kinds: Mapping[str, int]
    sha256: str


@dataclass(frozen=True, slots=True)
class Archive:
    """A whole decoded archive."""

    header: ArchiveHeader
    records: tuple[ArchiveRecord, ...]
    summary: ArchiveSummary


# --- validation shared by writer and reader ------------------------------------------------------


def _fail(line: int | None, message: str, *, limit: bool = False) -> ArchiveError:
    text = f"backup archive line {line}: {message}" if line else f"backup archive: {message}"
    return _ArchiveLimitExceeded(text) if limit else ArchiveError(text)


def _check_text(value: str, what: str, limits: ArchiveLimits, line: int | None) -> None:
    if len(value) > limits.max_text_chars:
        raise _fail(line, f"{what} is longer than {limits.max_text_chars} characters", limit=True)
    if _CONTROL.search(value):
        raise _fail(line, f"{what} contains a control character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _fail(line, f"{what} is not valid Unicode") from None


def _check_kind_and_id(kind: object, ident: object, line: int | None) -> tuple[str, str]:
    if not isinstance(kind, str) or _KIND.fullmatch(kind) is None:
        raise _fail(line, "record kind must be 1-32 of a-z, 0-9 and '-', starting with a letter")
    if not isinstance(ident, str) or _ID.fullmatch(ident) is None:
        raise _fail(line, "record id must be 1-256 printable ASCII characters without spaces")
    return kind, ident


def _check_meta(meta: object, limits: ArchiveLimits, line: int | None) -> dict[str, MetaValue]:
    if not isinstance(meta, Mapping):
        raise _fail(line, "record meta must be an object")
    if len(meta) > limits.max_meta_entries:
        raise _fail(
            line, f"record meta has more than {limits.max_meta_entries} entries", limit=True
        )
    checked: dict[str, MetaValue] = {}
    for key, value in meta.items():
        if not isinstance(key, str) or _KEY.fullmatch(key) is None:
            raise _fail(line, "record meta key must be 1-64 of a-z, 0-9, '_' and '-'")
        if isinstance(value, str):
            _check_text(value, f"meta value {key!r}", limits, line)
        elif isinstance(value, bool) or value is None:
            pass
        elif isinstance(value, int):
            if not -_INT_LIMIT < value < _INT_LIMIT:
                raise _fail(line, f"meta value {key!r} is outside the 64-bit integer range")
        else:
            raise _fail(line, f"meta value {key!r} must be a string, integer, boolean or null")
        checked[key] = value
    return checked


def _check_info(info: object, limits: ArchiveLimits, line: int | None) -> dict[str, str]:
    if not isinstance(info, Mapping):
        raise _fail(line, "header info must be an object")
    if len(info) > limits.max_meta_entries:
        raise _fail(
            line, f"header info has more than {limits.max_meta_entries} entries", limit=True
        )
    checked: dict[str, str] = {}
    for key, value in info.items():
        if not isinstance(key, str) or _KEY.fullmatch(key) is None:
            raise _fail(line, "header info key must be 1-64 of a-z, 0-9, '_' and '-'")
        if not isinstance(value, str):
            raise _fail(line, f"header info value {key!r} must be a string")
        _check_text(value, f"header info value {key!r}", limits, line)
        checked[key] = value
    return checked


def _format_time(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ArchiveError("backup archive: the creation time must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dumps(obj: Mapping[str, object]) -> bytes:
    # Sorted keys, no spaces, ASCII only: the same archive always has the same bytes.
    return (
        json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode() + b"\n"
    )


# --- writing -------------------------------------------------------------------------------------


class _Sink(Protocol):
    def write(self, data: bytes, /) -> object: ...


class ArchiveWriter:
    """Write an archive record by record into ``sink``; :meth:`finish` writes the trailer.

    Records are checked with the reader's own rules and limits, so that credwallet never writes
    an archive it would refuse to read back.
    """

    def __init__(
        self,
        sink: _Sink,
        *,
        created: datetime,
        info: Mapping[str, str] | None = None,
        limits: ArchiveLimits | None = None,
    ) -> None:
        self._sink = sink
        self._limits = limits or ArchiveLimits()
        self._digest = hashlib.sha256()
        self._kinds: Counter[str] = Counter()
        self._seen: set[tuple[str, str]] = set()
        self._count = 0
        self._finished = False
        header = {
            "type": ARCHIVE_TYPE,
            "version": ARCHIVE_VERSION,
            "created": _format_time(created),
            "info": _check_info(info or {}, self._limits, None),
        }
        self._emit(_dumps(header))

    def add(self, record: ArchiveRecord) -> None:
        if self._finished:
            raise ValueError("add() after finish()")
        kind, ident = _check_kind_and_id(record.kind, record.id, None)
        if (kind, ident) in self._seen:
            raise _fail(None, f"duplicate record {kind}/{ident}")
        if len(record.payload) > self._limits.max_payload_bytes:
            raise _fail(None, f"record {kind}/{ident} payload is over the size limit", limit=True)
        if self._count >= self._limits.max_records:
            raise _fail(None, f"more than {self._limits.max_records} records", limit=True)
        line: dict[str, object] = {
            "type": "record",
            "kind": kind,
            "id": ident,
            "payload": base64.b64encode(record.payload).decode("ascii"),
        }
        meta = _check_meta(record.meta, self._limits, None)
        if meta:
            line["meta"] = meta
        self._emit(_dumps(line))
        self._seen.add((kind, ident))
        self._kinds[kind] += 1
        self._count += 1

    def finish(self) -> ArchiveSummary:
        """Write the trailer and return what it states."""
        if self._finished:
            raise ValueError("finish() called twice")
        summary = ArchiveSummary(
            records=self._count,
            kinds=MappingProxyType(dict(sorted(self._kinds.items()))),
            sha256=self._digest.hexdigest(),
        )
        trailer = {
            "type": "end",
            "records": summary.records,
            "kinds": dict(summary.kinds),
            "sha256": summary.sha256,
        }
        self._sink.write(_dumps(trailer))
        self._finished = True
        return summary

    def _emit(self, data: bytes) -> None:
        self._digest.update(data)
        self._sink.write(data)


class _Buffer:
    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes, /) -> int:
        self.parts.append(data)
        return len(data)


def encode_archive(
    records: Iterable[ArchiveRecord],
    *,
    created: datetime,
    info: Mapping[str, str] | None = None,
    limits: ArchiveLimits | None = None,
) -> bytes:
    """The archive bytes for ``records`` (in the order given)."""
    buffer = _Buffer()
    writer = ArchiveWriter(buffer, created=created, info=info, limits=limits)
    for record in records:
        writer.add(record)
    writer.finish()
    return b"".join(buffer.parts)


# --- reading -------------------------------------------------------------------------------------


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not allowed")


def _reject_float(text: str) -> object:
    raise ValueError("numbers with a fraction or exponent are not allowed")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise ValueError("integer too long")
    return int(text)


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key[:64]!r}")
        result[key] = value
    return result


def _parse_line(raw: bytes, line: int) -> dict[str, object]:
    try:
        text = raw.decode("utf-8")
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_reject_constant,
            parse_float=_reject_float,
            parse_int=_bounded_int,
        )
    except UnicodeDecodeError:
        raise _fail(line, "not valid UTF-8") from None
    except RecursionError:
        raise _fail(line, "JSON nested too deeply") from None
    except ValueError as exc:  # json.JSONDecodeError is a ValueError, as are the hooks' errors
        reason = str(exc).split(":")[0] if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise _fail(line, f"not a valid JSON line ({reason})") from None
    if not isinstance(value, dict):
        raise _fail(line, "each line must be a JSON object")
    return value


def _check_keys(
    obj: Mapping[str, object],
    required: frozenset[str],
    line: int,
    optional: frozenset[str] = frozenset(),
) -> None:
    missing = required - obj.keys()
    unknown = obj.keys() - required - optional
    if missing:
        raise _fail(line, f"missing key {sorted(missing)[0]!r}")
    if unknown:
        raise _fail(line, f"unknown key {sorted(unknown)[0][:64]!r}")


def _exact_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _decode_payload(value: object, limits: ArchiveLimits, line: int) -> bytes:
    if not isinstance(value, str):
        raise _fail(line, "record payload must be a base64 string")
    if len(value) > 4 * ((limits.max_payload_bytes + 2) // 3):
        raise _fail(line, "record payload is over the size limit", limit=True)
    try:
        payload = base64.b64decode(value, validate=True)
    except ValueError:
        raise _fail(line, "record payload is not valid base64") from None
    if base64.b64encode(payload).decode("ascii") != value:
        raise _fail(line, "record payload is not canonical base64")
    return payload


class _Lines:
    """Split an iterable of byte chunks into LF-terminated lines, within the limits."""

    def __init__(self, chunks: Iterable[bytes], limits: ArchiveLimits) -> None:
        self._chunks = iter(chunks)
        self._limits = limits
        self._buffer = bytearray()
        self._start = 0
        self._total = 0
        self.number = 0
        self._done = False

    def next(self) -> bytes | None:
        """The next line with its LF, or None at the end of the data."""
        while True:
            end = self._buffer.find(b"\n", self._start)
            if end >= 0:
                line = bytes(self._buffer[self._start : end + 1])
                self._start = end + 1
                self.number += 1
                return line
            if len(self._buffer) - self._start > self._limits.max_line_bytes:
                raise _fail(self.number + 1, "line is over the size limit", limit=True)
            if self._done:
                if self._start < len(self._buffer):
                    raise _fail(self.number + 1, "the archive ends in the middle of a line")
                return None
            self._compact()
            try:
                chunk = next(self._chunks)
            except StopIteration:
                self._done = True
                continue
            self._total += len(chunk)
            if self._total > self._limits.max_total_bytes:
                raise _fail(None, "the archive is over the total size limit", limit=True)
            self._buffer += chunk

    def _compact(self) -> None:
        if self._start:
            del self._buffer[: self._start]
            self._start = 0


class ArchiveReader:
    """Read an archive from byte chunks: the header at once, then :meth:`records` lazily.

    :attr:`summary` is set once :meth:`records` has been exhausted and the trailer matched.
    """

    def __init__(self, chunks: Iterable[bytes], *, limits: ArchiveLimits | None = None) -> None:
        self._limits = limits or ArchiveLimits()
        self._lines = _Lines(chunks, self._limits)
        self._digest = hashlib.sha256()
        self.summary: ArchiveSummary | None = None
        self._started = False
        raw = self._lines.next()
        if raw is None:
            raise _fail(None, "empty: not a credwallet backup archive")
        self.header = self._parse_header(raw)
        self._digest.update(raw)

    def _parse_header(self, raw: bytes) -> ArchiveHeader:
        try:
            obj = _parse_line(raw, 1)
        except ArchiveError:
            raise _fail(1, "not a credwallet backup archive") from None
        if obj.get("type") != ARCHIVE_TYPE:
            raise _fail(1, "not a credwallet backup archive")
        version = _exact_int(obj.get("version"))
        if version is None or version < 1:
            raise _fail(1, "header version must be a positive integer")
        if version > ARCHIVE_VERSION:
            raise _fail(
                1,
                f"archive version {version} is newer than this credwallet reads "
                f"(up to {ARCHIVE_VERSION})",
            )
        _check_keys(obj, _HEADER_KEYS, 1)
        created = obj["created"]
        if not isinstance(created, str) or _TIMESTAMP.fullmatch(created) is None:
            raise _fail(1, "header created must be a UTC time like 2026-01-31T12:00:00Z")
        try:
            moment = datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            raise _fail(1, "header created is not a real date and time") from None
        info = _check_info(obj["info"], self._limits, 1)
        return ArchiveHeader(created=moment, info=MappingProxyType(info))

    def records(self) -> Iterator[ArchiveRecord]:
        """Yield each record; raises :class:`ArchiveError` at the first problem."""
        if self._started:
            raise ValueError("records() can be iterated only once")
        self._started = True
        kinds: Counter[str] = Counter()
        seen: set[tuple[str, str]] = set()
        while True:
            raw = self._lines.next()
            if raw is None:
                raise _fail(None, "truncated: the archive has no trailer line")
            number = self._lines.number
            obj = _parse_line(raw, number)
            kind_of_line = obj.get("type")
            if kind_of_line == "end":
                self._check_trailer(obj, number, kinds)
                if self._lines.next() is not None:
                    raise _fail(self._lines.number, "data after the archive trailer")
                return
            if kind_of_line != "record":
                raise _fail(number, "line type must be 'record' or 'end'")
            record = self._parse_record(obj, number)
            key = (record.kind, record.id)
            if key in seen:
                raise _fail(number, f"duplicate record {record.kind}/{record.id}")
            if len(seen) >= self._limits.max_records:
                raise _fail(number, f"more than {self._limits.max_records} records", limit=True)
            seen.add(key)
            kinds[record.kind] += 1
            self._digest.update(raw)
            yield record

    def _parse_record(self, obj: Mapping[str, object], line: int) -> ArchiveRecord:
        _check_keys(obj, _RECORD_KEYS, line, _RECORD_OPTIONAL)
        kind, ident = _check_kind_and_id(obj["kind"], obj["id"], line)
        payload = _decode_payload(obj["payload"], self._limits, line)
        meta = _check_meta(obj.get("meta", {}), self._limits, line)
        if "meta" in obj and not meta:
            raise _fail(line, "an empty meta object must be left out")
        return ArchiveRecord(kind=kind, id=ident, payload=payload, meta=MappingProxyType(meta))

    def _check_trailer(self, obj: Mapping[str, object], line: int, kinds: Counter[str]) -> None:
        _check_keys(obj, _TRAILER_KEYS, line)
        count = _exact_int(obj["records"])
        if count != sum(kinds.values()):
            raise _fail(line, "the trailer's record count does not match the records")
        stated = obj["kinds"]
        if not isinstance(stated, Mapping) or any(
            _exact_int(value) is None for value in stated.values()
        ):
            raise _fail(line, "the trailer's kinds must map each kind to a count")
        if dict(stated) != dict(kinds):
            raise _fail(line, "the trailer's per-kind counts do not match the records")
        digest = obj["sha256"]
        if not isinstance(digest, str) or _SHA256_HEX.fullmatch(digest) is None:
            raise _fail(line, "the trailer's sha256 must be 64 lowercase hex digits")
        if digest != self._digest.hexdigest():
            raise _fail(line, "the archive's SHA-256 does not match its trailer")
        self.summary = ArchiveSummary(
            records=sum(kinds.values()),
            kinds=MappingProxyType(dict(sorted(kinds.items()))),
            sha256=digest,
        )


def decode_archive(data: bytes, *, limits: ArchiveLimits | None = None) -> Archive:
    """Parse and check a whole archive held in memory."""
    reader = ArchiveReader([data], limits=limits)
    records = tuple(reader.records())
    if reader.summary is None:  # records() sets it whenever it ends without an error
        raise _fail(None, "the archive trailer was not checked")
    return Archive(header=reader.header, records=records, summary=reader.summary)
