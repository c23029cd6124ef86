"""The plaintext backup archive: exact layout, round trips, and strict refusal of anything else."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credwallet.errors import CredwalletError, ExitCode, LimitExceeded
from credwallet.store.archive import (
    ArchiveError,
    ArchiveLimits,
    ArchiveReader,
    ArchiveRecord,
    ArchiveWriter,
    decode_archive,
    encode_archive,
)

CREATED = datetime(2026, 12, 2, 6, 30, 15, tzinfo=UTC)
RECORDS = [
    ArchiveRecord("credential", "0f1e2d3c", b'{"name": "Badge"}', {"format": "ob3", "size": 17}),
    ArchiveRecord("tags", "0f1e2d3c", b'["python", "cloud"]'),
    ArchiveRecord("holder-key", "did:key:z6Mk", bytes(range(32)), {"primary": True, "note": None}),
]


def _archive(records: list[ArchiveRecord] | None = None) -> bytes:
    return encode_archive(
        RECORDS if records is None else records,
        created=CREATED,
        info={"generator": "credwallet test"},
    )


def _lines(data: bytes) -> list[dict[str, object]]:
    return [json.loads(line) for line in data.decode().splitlines()]


def _rebuild(objects: list[dict[str, object]], *, fix_digest: bool = True) -> bytes:
    """Serialise edited lines back, recomputing the trailer digest so only the edit is tested."""
    body = b"".join(
        json.dumps(o, sort_keys=True, separators=(",", ":")).encode() + b"\n" for o in objects[:-1]
    )
    trailer = dict(objects[-1])
    if fix_digest:
        trailer["sha256"] = hashlib.sha256(body).hexdigest()
    return body + json.dumps(trailer, sort_keys=True, separators=(",", ":")).encode() + b"\n"


class TestLayout:
    def test_lines_are_header_records_trailer(self) -> None:
        """The archive is a header line, one line per record, and a trailer line."""
        lines = _lines(_archive())
        assert lines[0] == {
            "type": "credwallet-backup",
            "version": 1,
            "created": "2026-12-02T06:30:15Z",
            "info": {"generator": "credwallet test"},
        }
        assert [line["type"] for line in lines[1:-1]] == ["record"] * 3
        assert lines[1]["payload"] == "eyJuYW1lIjogIkJhZGdlIn0="
        assert lines[1]["meta"] == {"format": "ob3", "size": 17}
        assert "meta" not in lines[2]
        assert lines[-1]["kinds"] == {"credential": 1, "holder-key": 1, "tags": 1}
        assert lines[-1]["records"] == 3

    def test_trailer_digest_covers_every_line_before_it(self) -> None:
        """The trailer's sha256 is the SHA-256 of all bytes before the trailer line."""
        data = _archive()
        body = data[: data.rindex(b"\n", 0, len(data) - 1) + 1]
        assert _lines(data)[-1]["sha256"] == hashlib.sha256(body).hexdigest()

    def test_same_input_gives_the_same_bytes(self) -> None:
        """Encoding is deterministic: sorted keys, no spaces, ASCII only."""
        assert _archive() == _archive()
        assert _archive().isascii()

    def test_creation_time_is_stored_in_utc(self) -> None:
        """A time in another zone is written as the same instant in UTC."""
        local = CREATED.astimezone(timezone(timedelta(hours=2)))
        data = encode_archive([], created=local)
        assert _lines(data)[0]["created"] == "2026-12-02T06:30:15Z"


class TestRoundTrip:
    def test_records_and_header_come_back(self) -> None:
        """Decoding gives the records in order, the header and a checked summary."""
        archive = decode_archive(_archive())
        assert archive.records == tuple(RECORDS)
        assert archive.header.created == CREATED
        assert archive.header.info == {"generator": "credwallet test"}
        assert archive.summary.records == 3

    def test_empty_archive_round_trips(self) -> None:
        """An archive with no records is valid."""
        assert decode_archive(encode_archive([], created=CREATED)).records == ()

    @settings(max_examples=25, deadline=None)
    @given(cut=st.lists(st.integers(1, 50), max_size=20))
    def test_reader_accepts_any_chunking(self, cut: list[int]) -> None:
        """Feeding the archive in chunks of any sizes gives the same records."""
        data = _archive()
        chunks, start = [], 0
        for size in cut:
            chunks.append(data[start : start + size])
            start += size
        chunks.append(data[start:])
        reader = ArchiveReader(chunks)
        assert list(reader.records()) == RECORDS

    @settings(max_examples=60, deadline=None)
    @given(
        records=st.lists(
            st.builds(
                ArchiveRecord,
                kind=st.from_regex(r"[a-z][a-z0-9-]{0,31}", fullmatch=True),
                id=st.from_regex(r"[\x21-\x7e]{1,40}", fullmatch=True),
                payload=st.binary(max_size=300),
                meta=st.dictionaries(
                    st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True),
                    st.one_of(
                        st.none(),
                        st.booleans(),
                        st.integers(-(2**63) + 1, 2**63 - 1),
                        st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),
                    ),
                    max_size=4,
                ),
            ),
            max_size=8,
            unique_by=lambda r: (r.kind, r.id),
        )
    )
    def test_any_valid_records_round_trip(self, records: list[ArchiveRecord]) -> None:
        """Any records within the rules decode to themselves."""
        assert decode_archive(_archive(records)).records == tuple(records)


class TestDamage:
    @settings(max_examples=200, deadline=None)
    @given(position=st.floats(0, 1, exclude_max=True), mask=st.integers(1, 255))
    def test_any_changed_byte_is_an_archive_error(self, position: float, mask: int) -> None:
        """A single changed byte anywhere is refused."""
        data = bytearray(_archive())
        data[int(position * len(data))] ^= mask
        with pytest.raises(ArchiveError):
            decode_archive(bytes(data))

    @settings(max_examples=100, deadline=None)
    @given(position=st.floats(0, 1, exclude_max=True))
    def test_any_truncation_is_an_archive_error(self, position: float) -> None:
        """An archive cut short anywhere is refused."""
        data = _archive()
        with pytest.raises(ArchiveError):
            decode_archive(data[: int(position * len(data))])

    @settings(max_examples=300, deadline=None)
    @given(data=st.binary(max_size=500))
    def test_any_bytes_give_a_result_or_a_credwallet_error(self, data: bytes) -> None:
        """Arbitrary bytes never raise anything but a CredwalletError."""
        with contextlib.suppress(CredwalletError):
            decode_archive(data)

    def test_removed_record_is_detected(self) -> None:
        """Dropping a record line (digest fixed up) breaks the trailer's counts."""
        objects = _lines(_archive())
        del objects[2]
        with pytest.raises(ArchiveError, match="count"):
            decode_archive(_rebuild(objects))

    def test_data_after_the_trailer_is_refused(self) -> None:
        """Anything after the trailer line is refused."""
        with pytest.raises(ArchiveError, match="after the archive trailer"):
            decode_archive(_archive() + b"{}\n")

    def test_error_names_the_line_and_exits_7(self) -> None:
        """Errors are bad input (exit 7) and say which line is wrong."""
        objects = _lines(_archive())
        objects[2]["surprise"] = 1
        with pytest.raises(ArchiveError, match=r"line 3: unknown key 'surprise'") as caught:
            decode_archive(_rebuild(objects))
        assert caught.value.exit_code == ExitCode.BAD_INPUT


class TestStrictness:
    @pytest.mark.parametrize(
        ("edit", "message"),
        [
            (lambda o: o[1].update(kind="Credential"), "record kind"),
            (lambda o: o[1].update(id="has space"), "record id"),
            (lambda o: o[1].update(payload="eyJuYW1lIjogIkJhZGdlIn0"), "not valid base64"),
            (lambda o: o[1].update(payload="eyJuYW1lIjogIkJhZGdlIn1="), "not canonical"),
            (lambda o: o[1].update(meta={}), "empty meta"),
            (lambda o: o[1].update(meta={"x": [1]}), "must be a string"),
            (lambda o: o[1].update(meta={"x": "a\x1b[31m"}), "control character"),
            (lambda o: o[1].update(meta={"x": 2**64}), "64-bit"),
            (lambda o: o[1].update(meta={"Bad": 1}), "meta key"),
            (lambda o: o[1].pop("payload"), "missing key 'payload'"),
            (lambda o: o[1].update(type="blob"), "'record' or 'end'"),
            (lambda o: o[2].update(kind="credential", id="0f1e2d3c"), "duplicate record"),
            (lambda o: o[0].update(version=2), "newer"),
            (lambda o: o[0].update(version=True), "positive integer"),
            (lambda o: o[0].update(created="2026-12-02 06:30:15"), "UTC time"),
            (lambda o: o[0].update(created="2026-02-30T06:30:15Z"), "real date"),
            (lambda o: o[0].update(type="something-else"), "not a credwallet backup"),
            (lambda o: o[-1].update(kinds={"credential": 3}), "per-kind counts"),
            (lambda o: o[-1].update(records=True), "record count"),
        ],
    )
    def test_schema_violations_are_refused(self, edit, message: str) -> None:  # type: ignore[no-untyped-def]
        """Each violation of the line schemas gets its own one-line reason."""
        objects = _lines(_archive())
        edit(objects)
        with pytest.raises(ArchiveError, match=message):
            decode_archive(_rebuild(objects))

    def test_wrong_digest_is_refused(self) -> None:
        """A trailer digest that does not match the bytes is refused."""
        objects = _lines(_archive())
        objects[-1]["sha256"] = "0" * 64
        with pytest.raises(ArchiveError, match="SHA-256"):
            decode_archive(_rebuild(objects, fix_digest=False))

    @pytest.mark.parametrize(
        ("line", "message"),
        [
            (b'{"type":"record","type":"record"}', "duplicate key"),
            (b'{"type":"record","n":NaN}', "NaN"),
            (b'{"type":"record","n":1.5}', "fraction"),
            (b"[1,2]", "JSON object"),
            (b'{"type":"record"', "not a valid JSON line"),
            (b'{"type":"record","n":"\xff"}', "UTF-8"),
            (b"[" * 100_000 + b"]" * 100_000, "JSON"),
            (b'{"type":"record","n":' + b"9" * 5000 + b"}", "integer too long"),
        ],
    )
    def test_hostile_json_lines_are_refused(self, line: bytes, message: str) -> None:
        """Duplicate keys, NaN, floats, deep nesting, huge numbers and bad UTF-8 are refused."""
        head = _archive().split(b"\n")[0] + b"\n"
        with pytest.raises(ArchiveError, match=message):
            decode_archive(head + line + b"\n")

    def test_missing_final_newline_is_refused(self) -> None:
        """Every line, the trailer included, must end with LF."""
        with pytest.raises(ArchiveError, match="middle of a line"):
            decode_archive(_archive()[:-1])

    def test_empty_input_is_not_an_archive(self) -> None:
        """Zero bytes are refused as not an archive."""
        with pytest.raises(ArchiveError, match="not a credwallet backup"):
            decode_archive(b"")


class TestLimits:
    def test_too_many_records_is_a_limit_error(self) -> None:
        """More records than the limit allows is a LimitExceeded."""
        with pytest.raises(LimitExceeded):
            decode_archive(_archive(), limits=ArchiveLimits(max_records=2))

    def test_oversized_payload_is_a_limit_error(self) -> None:
        """A payload over the limit is refused while reading."""
        with pytest.raises(LimitExceeded):
            decode_archive(_archive(), limits=ArchiveLimits(max_payload_bytes=16))

    def test_oversized_line_is_refused_before_it_is_buffered_whole(self) -> None:
        """A line longer than the limit is refused without waiting for its end."""
        limits = ArchiveLimits(max_payload_bytes=16, max_meta_entries=1, max_text_chars=100)
        head = _archive().split(b"\n")[0] + b"\n"
        consumed = 0

        def endless() -> Iterator[bytes]:
            nonlocal consumed
            yield head
            while True:
                consumed += 1
                yield b"x" * 4096

        with pytest.raises(LimitExceeded, match="line is over the size limit"):
            next(ArchiveReader(endless(), limits=limits).records())
        assert consumed <= 2

    def test_total_size_limit_is_enforced(self) -> None:
        """An archive over the total size limit is refused."""
        with pytest.raises(LimitExceeded, match="total size"):
            decode_archive(_archive(), limits=ArchiveLimits(max_total_bytes=100))

    def test_writer_refuses_what_the_reader_would(self) -> None:
        """The writer checks records with the reader's rules, so it never writes a bad archive."""
        sink: list[bytes] = []

        class Sink:
            def write(self, data: bytes) -> int:
                sink.append(data)
                return len(data)

        writer = ArchiveWriter(Sink(), created=CREATED)
        writer.add(RECORDS[0])
        with pytest.raises(ArchiveError, match="duplicate"):
            writer.add(RECORDS[0])
        with pytest.raises(ArchiveError, match="record kind"):
            writer.add(ArchiveRecord("Bad Kind", "x", b""))
        with pytest.raises(ArchiveError, match="timezone"):
            ArchiveWriter(Sink(), created=datetime(2026, 1, 1))
        writer.finish()
        assert decode_archive(b"".join(sink)).records == (RECORDS[0],)
