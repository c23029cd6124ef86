"""A reader and writer for the age v1 file format (C2SP age.md), scrypt passphrase recipient only.

credwallet backups are standard age files so that anyone can open one with ``age -d`` years from
now, without credwallet. Only the parts of age a passphrase backup needs are here:

* the header: version line, recipient stanzas (parsed strictly for every type, so that a foreign
  file gets a precise answer), and the HMAC-SHA-256 header MAC;
* the scrypt stanza (``-> scrypt <salt> <log2 N>``), which wraps the 16-byte file key;
* the STREAM payload: a 16-byte nonce, then 64 KiB chunks sealed with ChaCha20-Poly1305 under
  a key derived from the file key and that nonce; the last chunk carries a flag in its nonce.

Every MUST-reject rule of the spec is enforced: non-canonical or padded base64, malformed
stanzas, an scrypt stanza next to any other stanza, a work factor that is not a plain decimal,
body lengths other than 32 bytes, a missing or extra final chunk, an empty final chunk after
others, trailing data. The reader caps the scrypt work factor *before* running the KDF, so a
tampered header cannot make it spend minutes or gigabytes.

Errors and exit codes (see credwallet.errors):

* :class:`AgeWrongPassphrase` (a :class:`~credwallet.errors.WrongPassphraseOrDamaged`, exit 5):
  the scrypt stanza is well formed but the passphrase does not open it. A damaged salt or body
  looks the same, by design of the format.
* every other problem is an :class:`AgeError` (a :class:`~credwallet.errors.BadInput`, exit 7):
  not an age file, a malformed header, a header MAC that does not match (the passphrase was right,
  so the header itself was altered), a damaged or truncated payload, a recipient type other than
  scrypt, or malformed ASCII armor. Each carries a one-line reason and never any secret.

The writer produces binary files only; the reader also accepts ASCII armor (``age -a``), decoded
strictly as age.md asks (strict PEM, canonical base64, only whitespace around it).

Streaming: :class:`AgeWriter` encrypts chunk by chunk into any binary sink, and
:func:`iter_decrypt_passphrase` yields plaintext chunk by chunk. A streaming reader hands out
chunks before it has seen the end of the file, so a consumer must treat what it received as
provisional until the iterator finishes without an error (write it to a temp file, then rename).
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import IO, TYPE_CHECKING, Protocol

from credwallet import _crypto
from credwallet.errors import BadInput, LimitExceeded, UsageError, WrongPassphraseOrDamaged

if TYPE_CHECKING:
    from typing_extensions import Buffer  # collections.abc.Buffer from Python 3.12 on

__all__ = [
    "CHUNK_SIZE",
    "DEFAULT_LOG_N",
    "DEFAULT_MAX_LOG_N",
    "AgeArmorError",
    "AgeError",
    "AgeHeaderError",
    "AgeHeaderMacError",
    "AgePayloadError",
    "AgeUnsupportedRecipient",
    "AgeWorkFactorTooHigh",
    "AgeWriter",
    "AgeWrongPassphrase",
    "decrypt_passphrase",
    "decrypt_with_file_key",
    "encrypt_passphrase",
    "iter_decrypt_passphrase",
]

VERSION_LINE = b"age-encryption.org/v1\n"
_VERSION_PREFIX = b"age-encryption.org/"
_ARMOR_BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
_SCRYPT_SALT_LABEL = b"age-encryption.org/v1/scrypt"
_MAC_MARK = b"---"

CHUNK_SIZE = 64 * 1024
_TAG_SIZE = 16
_ENCRYPTED_CHUNK_SIZE = CHUNK_SIZE + _TAG_SIZE
_FILE_KEY_SIZE = 16
_PAYLOAD_NONCE_SIZE = 16
_SCRYPT_SALT_SIZE = 16
_WRAPPED_KEY_SIZE = _FILE_KEY_SIZE + _TAG_SIZE
_ZERO_NONCE = bytes(12)
_BODY_COLUMNS = 64

DEFAULT_LOG_N = 18  # age's own default: about one second of scrypt
# The reader's cap: N x r x p = 2^23 (r=8, p=1), the same ceiling as a keyslot's scrypt
# (store.kdf.MAX_SCRYPT_COST): 1 GiB and a few seconds at most. age's own CLI accepts 2^22
# (4 GiB); credwallet writes 2^18, so its backups are far below either.
DEFAULT_MAX_LOG_N = 20
_MAX_LOG_N_ALLOWED = 30  # what a caller may raise the cap to: 2^30 x 1 KiB = 1 TiB of memory

# Bounds on what the header parser will hold in memory. Real headers are a few hundred bytes
# (a post-quantum stanza is about 1.6 KB); these only stop a hostile file from growing them.
_MAX_HEADER_LINE = 8 * 1024
_MAX_HEADER_SIZE = 256 * 1024
_MAX_STANZAS = 256

_BASE64_UNPADDED = re.compile(rb"[A-Za-z0-9+/]*")
_MAC_LINE = re.compile(rb"--- ([A-Za-z0-9+/]{43})\n")
_DECIMAL = re.compile(r"[1-9][0-9]{0,2}")
_DECIMAL_ANY = re.compile(r"[0-9]+")


# --- errors ---------------------------------------------------------------------------------------


class AgeError(BadInput):
    """Raised when: data is not a well-formed age v1 file, or is one credwallet cannot open."""


class AgeHeaderError(AgeError):
    """Raised when: the age header (version, stanzas, MAC line, payload nonce) is malformed."""


class AgeWorkFactorTooHigh(AgeHeaderError, LimitExceeded):
    """Raised when: the scrypt work factor is above the reader's cap (checked before the KDF)."""


class AgeHeaderMacError(AgeError):
    """Raised when: the file key opened but the header MAC does not match (header altered)."""


class AgePayloadError(AgeError):
    """Raised when: the encrypted payload is damaged, truncated, or has data after its end."""


class AgeUnsupportedRecipient(AgeError):
    """Raised when: the file is not encrypted to a passphrase (X25519, plugin or other types)."""


class AgeArmorError(AgeError):
    """Raised when: the ASCII armor (PEM) around an age file breaks the strict armor rules."""


class AgeWrongPassphrase(WrongPassphraseOrDamaged):
    """Raised when: the passphrase does not open the file's scrypt stanza (exit 5)."""

    def __init__(
        self,
        message: str = "wrong passphrase for this age file (or its passphrase stanza is damaged)",
    ) -> None:
        super().__init__(message)


# --- the header -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stanza:
    """One recipient stanza: its arguments and its decoded body (a wrapped file key)."""

    args: tuple[str, ...]
    body: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class Header:
    """A parsed header. ``mac_input`` is every header byte up to and including ``---``."""

    stanzas: tuple[Stanza, ...]
    mac: bytes = field(repr=False)
    mac_input: bytes = field(repr=False)


def _b64encode(data: bytes) -> bytes:
    return base64.b64encode(data).rstrip(b"=")


def _b64decode_canonical(text: bytes) -> bytes:
    """Unpadded base64 as age uses it; raises ValueError for padding or non-canonical input."""
    if _BASE64_UNPADDED.fullmatch(text) is None or len(text) % 4 == 1:
        raise ValueError("not unpadded base64")
    decoded = base64.b64decode(text + b"=" * (-len(text) % 4))
    # Canonical means the unused low bits of the last character are zero: re-encoding must give
    # back the same text, otherwise two encodings of one value would both be accepted.
    if _b64encode(decoded) != text:
        raise ValueError("non-canonical base64")
    return decoded


def _is_argument(arg: bytes) -> bool:
    """An argument is one or more VCHARs (0x21-0x7E): no spaces, controls, CR or non-ASCII."""
    return bool(arg) and all(0x21 <= byte <= 0x7E for byte in arg)


class _HeaderLines:
    """Reads LF-terminated header lines from a stream, within the header size bounds."""

    def __init__(self, src: IO[bytes]) -> None:
        self._src = src
        self.total = 0

    def next(self, what: str) -> bytes:
        line = self._src.readline(_MAX_HEADER_LINE + 1)
        self.total += len(line)
        if len(line) > _MAX_HEADER_LINE:
            raise AgeHeaderError(f"age header line too long (over {_MAX_HEADER_LINE} bytes)")
        if self.total > _MAX_HEADER_SIZE:
            raise AgeHeaderError(f"age header too large (over {_MAX_HEADER_SIZE} bytes)")
        if not line.endswith(b"\n"):
            raise AgeHeaderError(f"age header is truncated: the file ends before {what}")
        return line


def read_header(src: IO[bytes]) -> Header:
    """Parse an age v1 header from ``src``, leaving the stream at the payload nonce."""
    lines = _HeaderLines(src)
    first = src.readline(_MAX_HEADER_LINE + 1)
    lines.total = len(first)
    if first != VERSION_LINE:
        raise _version_error(first)
    mac_input = bytearray(VERSION_LINE)
    stanzas: list[Stanza] = []
    line = lines.next("the first recipient stanza")
    while True:
        if line.startswith(b"-> "):
            if len(stanzas) >= _MAX_STANZAS:
                raise AgeHeaderError(f"age header has more than {_MAX_STANZAS} recipient stanzas")
            mac_input += line
            stanza = _read_stanza(line, lines, mac_input)
            stanzas.append(stanza)
        elif line.startswith(_MAC_MARK):
            if not stanzas:
                raise AgeHeaderError("age header has no recipient stanza")
            match = _MAC_LINE.fullmatch(line)
            if match is None:
                raise AgeHeaderError("age header MAC line is malformed")
            try:
                mac = _b64decode_canonical(match.group(1))
            except ValueError:
                raise AgeHeaderError("age header MAC is not canonical base64") from None
            mac_input += _MAC_MARK
            return Header(stanzas=tuple(stanzas), mac=mac, mac_input=bytes(mac_input))
        else:
            raise AgeHeaderError("age header line is neither a recipient stanza nor the MAC")
        line = lines.next("the header MAC line")


def _version_error(first: bytes) -> AgeError:
    if not first:
        return AgeHeaderError("not an age file: the input is empty")
    if _starts_like_armor(first):
        return AgeArmorError("ASCII-armored age file is malformed")
    if first == VERSION_LINE[:-1] + b"\r\n":
        return AgeHeaderError("age header lines must end with LF, not CRLF")
    if first.startswith(_VERSION_PREFIX):
        return AgeHeaderError("unsupported age format version (only age-encryption.org/v1)")
    return AgeHeaderError("not an age file: it does not start with age-encryption.org/v1")


def _read_stanza(arg_line: bytes, lines: _HeaderLines, mac_input: bytearray) -> Stanza:
    raw_args = arg_line[3:-1].split(b" ")
    if not all(_is_argument(arg) for arg in raw_args):
        raise AgeHeaderError("age recipient stanza has an empty or invalid argument")
    body = bytearray()
    while True:
        line = lines.next("the end of a recipient stanza")
        mac_input += line
        text = line[:-1]
        if len(text) > _BODY_COLUMNS:
            raise AgeHeaderError("age recipient stanza body line is longer than 64 columns")
        try:
            body += _b64decode_canonical(text)
        except ValueError:
            raise AgeHeaderError("age recipient stanza body is not canonical base64") from None
        # The body ends at the first line shorter than 64 columns (possibly empty).
        if len(text) < _BODY_COLUMNS:
            break
    return Stanza(args=tuple(arg.decode("ascii") for arg in raw_args), body=bytes(body))


def _stanza_lines(args: list[bytes], body: bytes) -> bytes:
    encoded = _b64encode(body)
    rows = [encoded[i : i + _BODY_COLUMNS] for i in range(0, len(encoded), _BODY_COLUMNS)]
    if not rows or len(rows[-1]) == _BODY_COLUMNS:
        rows.append(b"")  # the body must end with a line shorter than 64 columns
    return b"-> " + b" ".join(args) + b"\n" + b"".join(row + b"\n" for row in rows)


# --- keys -----------------------------------------------------------------------------------------


def _passphrase_bytes(passphrase: str) -> bytes:
    try:
        return passphrase.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError("the passphrase is not valid Unicode text") from None


def _check_log_n(value: int, name: str) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 1 <= value <= _MAX_LOG_N_ALLOWED
    ):
        raise UsageError(f"{name} must be an integer from 1 to {_MAX_LOG_N_ALLOWED}")


def _scrypt_wrap_key(passphrase: bytes, salt: bytes, log_n: int) -> bytes:
    try:
        return _crypto.scrypt(passphrase, _SCRYPT_SALT_LABEL + salt, log_n=log_n, r=8, p=1)
    except MemoryError:
        raise LimitExceeded(f"not enough memory for an scrypt work factor of 2^{log_n}") from None


def _unwrap_scrypt(header: Header, passphrase: bytes, max_log_n: int) -> bytes:
    """The file key from the header's scrypt stanza; enforces the spec's MUST-reject rules."""
    scrypt_stanzas = [s for s in header.stanzas if s.args[0] == "scrypt"]
    if not scrypt_stanzas:
        kinds = sorted({s.args[0][:40] for s in header.stanzas})
        shown = ", ".join(kinds[:4]) + (", ..." if len(kinds) > 4 else "")
        raise AgeUnsupportedRecipient(
            f"unsupported age recipient ({shown}): credwallet opens passphrase (scrypt) files only"
        )
    if len(header.stanzas) != 1:
        # Passphrase encryption implies that whoever knows the passphrase wrote the file;
        # a second stanza would let someone else add a way in, so the spec forbids mixing.
        raise AgeHeaderError("an age scrypt stanza must be the only recipient stanza")
    stanza = scrypt_stanzas[0]
    if len(stanza.args) != 3:
        raise AgeHeaderError("age scrypt stanza must have exactly a salt and a work factor")
    try:
        salt = _b64decode_canonical(stanza.args[1].encode("ascii"))
    except ValueError:
        raise AgeHeaderError("age scrypt salt is not canonical base64") from None
    if len(salt) != _SCRYPT_SALT_SIZE:
        raise AgeHeaderError("age scrypt salt is not 16 bytes")
    work = stanza.args[2]
    if _DECIMAL.fullmatch(work) is None:
        if _DECIMAL_ANY.fullmatch(work) is not None and work[0] != "0":
            raise AgeWorkFactorTooHigh("age scrypt work factor is far above the limit")
        raise AgeHeaderError("age scrypt work factor is not a plain decimal number")
    log_n = int(work)
    if log_n > max_log_n:
        raise AgeWorkFactorTooHigh(
            f"age scrypt work factor 2^{log_n} is above the limit 2^{max_log_n}"
        )
    if len(stanza.body) != _WRAPPED_KEY_SIZE:
        raise AgeHeaderError("age scrypt stanza body is not 32 bytes")
    wrap_key = _scrypt_wrap_key(passphrase, salt, log_n)
    try:
        return _crypto.chacha_open(wrap_key, _ZERO_NONCE, stanza.body)
    except _crypto.OpenFailed:
        raise AgeWrongPassphrase from None


def _check_header_mac(header: Header, file_key: bytes) -> None:
    mac_key = _crypto.hkdf_sha256(file_key, salt=b"", info=b"header")
    expected = _crypto.hmac_sha256(mac_key, header.mac_input)
    if not _crypto.constant_time_equal(expected, header.mac):
        raise AgeHeaderMacError("age header MAC does not match: the header was altered")


# --- the payload ----------------------------------------------------------------------------------


def _chunk_nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _read_full(src: IO[bytes], size: int) -> bytes:
    """Read ``size`` bytes, or fewer only at the end of the stream (short reads are retried)."""
    parts: list[bytes] = []
    wanted = size
    while wanted > 0:
        part = src.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def _payload_key(src: IO[bytes], file_key: bytes) -> bytes:
    nonce = _read_full(src, _PAYLOAD_NONCE_SIZE)
    if len(nonce) != _PAYLOAD_NONCE_SIZE:
        raise AgeHeaderError("age file is truncated: the payload nonce is missing")
    return _crypto.hkdf_sha256(file_key, salt=nonce, info=b"payload")


def _decrypt_chunks(src: IO[bytes], payload_key: bytes) -> Iterator[bytes]:
    """Yield the plaintext of each STREAM chunk, raising at the first bad or missing one.

    A chunk is the last one exactly when the stream ends after it, so the reader looks one chunk
    ahead: a full chunk followed by more data must carry the "not last" flag; a short chunk, or
    a full one at the end of the file, must carry the "last" flag. Trailing bytes therefore end
    up inside a chunk that fails authentication, and a file cut at a chunk boundary lacks its
    last-flagged chunk.
    """
    counter = 0
    chunk = _read_full(src, _ENCRYPTED_CHUNK_SIZE)
    if not chunk:
        raise AgePayloadError("age payload is truncated: it has no chunks")
    while True:
        following = (
            _read_full(src, _ENCRYPTED_CHUNK_SIZE) if len(chunk) == _ENCRYPTED_CHUNK_SIZE else b""
        )
        last = not following
        if len(chunk) < _TAG_SIZE:
            raise AgePayloadError("age payload is truncated: its last chunk is too short")
        try:
            plaintext = _crypto.chacha_open(payload_key, _chunk_nonce(counter, last), chunk)
        except _crypto.OpenFailed:
            raise AgePayloadError(
                f"age payload is damaged or truncated (chunk {counter} failed authentication)"
            ) from None
        if last and not plaintext and counter > 0:
            raise AgePayloadError("age payload ends with an empty chunk (not allowed after others)")
        yield plaintext
        if last:
            return
        counter += 1
        chunk = following


# --- ASCII armor (read only) ---------------------------------------------------------------------

_ARMOR_END = b"-----END AGE ENCRYPTED FILE-----"
_ARMOR_COLUMNS = 64
_ARMOR_WHITESPACE = b" \t\r\n"
_ARMOR_BASE64 = re.compile(rb"[A-Za-z0-9+/=]*")
_MAX_ARMORED_SIZE = 128 * 1024 * 1024


def _starts_like_armor(first_line: bytes) -> bool:
    """A binary age file starts with "age-"; armor starts with dashes, maybe after whitespace."""
    stripped = first_line.lstrip(_ARMOR_WHITESPACE)
    return bool(first_line) and (not stripped or stripped.startswith(b"-----"))


def _dearmor(data: bytes) -> bytes:
    """Strict PEM (RFC 7468 section 3) with the label "AGE ENCRYPTED FILE", as age.md says.

    Only whitespace around the block is tolerated, and LF or CRLF line ends; the body is lines
    of exactly 64 columns but the last (1-64), canonical padded base64, no PEM headers.
    """
    text = data.strip(_ARMOR_WHITESPACE)
    lines = [line[:-1] if line.endswith(b"\r") else line for line in text.split(b"\n")]
    if len(lines) < 2 or lines[0] != _ARMOR_BEGIN:
        raise AgeArmorError("ASCII armor does not start with -----BEGIN AGE ENCRYPTED FILE-----")
    if lines[-1] != _ARMOR_END:
        raise AgeArmorError("ASCII armor does not end with -----END AGE ENCRYPTED FILE-----")
    body = lines[1:-1]
    for index, line in enumerate(body):
        if _ARMOR_BASE64.fullmatch(line) is None:
            raise AgeArmorError("ASCII armor has a character that is not base64")
        last = index == len(body) - 1
        if len(line) > _ARMOR_COLUMNS or (not last and len(line) != _ARMOR_COLUMNS) or not line:
            raise AgeArmorError("ASCII armor lines must be 64 columns, the last one 1-64")
    encoded = b"".join(body)
    if len(encoded) % 4 != 0 or b"=" in encoded.rstrip(b"="):
        raise AgeArmorError("ASCII armor is not padded base64")
    try:
        decoded = base64.b64decode(encoded, validate=True)
    except ValueError:
        raise AgeArmorError("ASCII armor is not valid base64") from None
    if base64.b64encode(decoded) != encoded:
        raise AgeArmorError("ASCII armor base64 is not canonical")
    return decoded


def _binary_source(src: IO[bytes]) -> IO[bytes]:
    """``src`` positioned at the start of a binary age file, removing ASCII armor if present.

    Armored files are decoded in memory (up to 128 MiB): credwallet writes binary backups, and
    armor only appears when someone re-encoded one with ``age -a``.
    """
    first = src.readline(_MAX_HEADER_LINE + 1)
    if first == VERSION_LINE:
        return io.BufferedReader(_Prepended(first, src))
    if not _starts_like_armor(first):
        # Not an age file either way; look a little further only to name the problem well.
        more = src.read(_MAX_HEADER_LINE)
        if _ARMOR_BEGIN in more:
            raise AgeArmorError("data before the ASCII armor of an age file")
        return io.BufferedReader(_Prepended(first + more, src))
    rest = src.read(_MAX_ARMORED_SIZE + 1 - len(first))
    if len(first) + len(rest) > _MAX_ARMORED_SIZE:
        raise LimitExceeded("ASCII-armored age file over 128 MiB: decrypt it with `age -d`")
    return io.BytesIO(_dearmor(first + rest))


class _Prepended(io.RawIOBase):
    """A read-only stream: some bytes already read, then the rest of the original stream."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Buffer, /) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            size = min(len(view), len(self._head))
            view[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._rest.read(len(view))
        view[: len(data)] = data
        return len(data)


# --- public API -----------------------------------------------------------------------------------


class _Sink(Protocol):
    def write(self, data: bytes, /) -> object: ...


class AgeWriter:
    """Encrypt to a passphrase, chunk by chunk, into ``sink`` (which the writer does not close).

    The header and payload nonce are written at once; :meth:`write` emits each full 64 KiB chunk
    as soon as it knows another chunk follows; :meth:`close` writes the last chunk. Used as a
    context manager, an exception inside the block leaves the output without its last chunk, so
    no reader will ever accept the partial file.
    """

    def __init__(self, sink: _Sink, passphrase: str, *, log_n: int = DEFAULT_LOG_N) -> None:
        _check_log_n(log_n, "log_n")
        secret = _passphrase_bytes(passphrase)
        if not secret:
            raise UsageError("the backup passphrase must not be empty")
        file_key = _crypto.random_bytes(_FILE_KEY_SIZE)
        salt = _crypto.random_bytes(_SCRYPT_SALT_SIZE)
        wrapped = _crypto.chacha_seal(_scrypt_wrap_key(secret, salt, log_n), _ZERO_NONCE, file_key)
        stanza = _stanza_lines([b"scrypt", _b64encode(salt), str(log_n).encode()], wrapped)
        mac_input = VERSION_LINE + stanza + _MAC_MARK
        mac_key = _crypto.hkdf_sha256(file_key, salt=b"", info=b"header")
        mac = _crypto.hmac_sha256(mac_key, mac_input)
        nonce = _crypto.random_bytes(_PAYLOAD_NONCE_SIZE)
        self._sink = sink
        self._key = _crypto.hkdf_sha256(file_key, salt=nonce, info=b"payload")
        self._pending = bytearray()
        self._counter = 0
        self._closed = False
        self._written = 0
        sink.write(mac_input + b" " + _b64encode(mac) + b"\n" + nonce)

    @property
    def plaintext_size(self) -> int:
        """Plaintext bytes accepted so far."""
        return self._written

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("write to a closed AgeWriter")
        self._pending += data
        self._written += len(data)
        # Keep at least one byte back: the final chunk must be known before it is sealed, and
        # it may only be empty when the whole payload is.
        start = 0
        while len(self._pending) - start > CHUNK_SIZE:
            self._seal(bytes(self._pending[start : start + CHUNK_SIZE]), last=False)
            start += CHUNK_SIZE
        if start:
            del self._pending[:start]
        return len(data)

    def close(self) -> None:
        """Seal the last chunk. Does not close the sink."""
        if self._closed:
            return
        self._seal(bytes(self._pending), last=True)
        self._pending.clear()
        self._closed = True

    def abandon(self) -> None:
        """Stop without sealing the last chunk: the output stays an invalid (truncated) file."""
        self._pending.clear()
        self._closed = True

    def _seal(self, plaintext: bytes, *, last: bool) -> None:
        nonce = _chunk_nonce(self._counter, last)
        self._sink.write(_crypto.chacha_seal(self._key, nonce, plaintext))
        self._counter += 1

    def __enter__(self) -> AgeWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abandon()


def encrypt_passphrase(plaintext: bytes, passphrase: str, *, log_n: int = DEFAULT_LOG_N) -> bytes:
    """The age v1 encryption of ``plaintext`` to ``passphrase`` (scrypt with N = 2^log_n)."""
    out = io.BytesIO()
    with AgeWriter(out, passphrase, log_n=log_n) as writer:
        writer.write(plaintext)
    return out.getvalue()


def iter_decrypt_passphrase(
    src: IO[bytes], passphrase: str, *, max_log_n: int = DEFAULT_MAX_LOG_N
) -> Iterator[bytes]:
    """Open an age file from a stream: checks the header now, then yields plaintext chunks.

    Raises :class:`AgeWrongPassphrase` or an :class:`AgeError` before returning if the header
    does not open; the iterator raises :class:`AgePayloadError` on a damaged or truncated chunk.
    Chunks yielded before an error must be discarded by the caller.
    """
    _check_log_n(max_log_n, "max_log_n")
    secret = _passphrase_bytes(passphrase)
    src = _binary_source(src)
    header = read_header(src)
    file_key = _unwrap_scrypt(header, secret, max_log_n)
    return _open_payload(src, header, file_key)


def _open_payload(src: IO[bytes], header: Header, file_key: bytes) -> Iterator[bytes]:
    _check_header_mac(header, file_key)
    return _decrypt_chunks(src, _payload_key(src, file_key))


def decrypt_passphrase(
    data: bytes, passphrase: str, *, max_log_n: int = DEFAULT_MAX_LOG_N
) -> bytes:
    """The plaintext of an age v1 file encrypted to ``passphrase``; see the module docstring."""
    chunks = iter_decrypt_passphrase(io.BytesIO(data), passphrase, max_log_n=max_log_n)
    return b"".join(chunks)


def decrypt_with_file_key(data: bytes, file_key: bytes) -> bytes:
    """Check the header and decrypt the payload with a known file key, ignoring the stanzas.

    For conformance tests (the C2SP test vectors publish each file key) and recovery tools;
    credwallet itself never stores a file key.
    """
    src = _binary_source(io.BytesIO(data))
    header = read_header(src)
    return b"".join(_open_payload(src, header, file_key))
