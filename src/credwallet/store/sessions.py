"""Unlock sessions, after the Bitwarden CLI's ``BW_SESSION``: neither half opens the wallet alone.

``create`` makes a 16-byte session id and a 32-byte secret S. The data key is sealed under a key
derived from S *and the wallet's current session binding* (its passphrase keyslot and a session
salt, both in the database) and written to ``<session dir>/<id hex>``; the caller gets the
token ``<id hex>.<S base64url>`` (for ``export CREDWALLET_SESSION=...``). The file alone lacks S;
the token alone lacks the sealed key. The expiry is stored in the clear (so that anyone may sweep
expired files) but bound into the seal's associated data, so editing it breaks the seal.

Because the binding is part of the key, ``passwd`` (a new keyslot) and ``lock --all`` (a new
session salt) end every session of the wallet wherever its file lies, whatever the environment
of the process that ends them: no file has to be found. The files are then swept from every
place sessions may live, and expired files are swept on every open.

Session files never live in the wallet home (people sync and back it up): they go to
``$XDG_RUNTIME_DIR/credwallet-sessions`` or ``/run/user/<uid>/credwallet-sessions`` when such a
directory is private, else to the user's state directory (``~/.local/state/credwallet/sessions``).

Each file also carries an *owner tag*, an HMAC of the session id under the wallet's session
subkey: it lets a wallet that is open find and delete its session files while telling nobody
else which wallet a session file belongs to.

File layout (all integers big-endian)::

    "CWS2" | expires u64 (Unix s) | owner tag (32) | nonce (12) | ciphertext (32) | GCM tag (16)
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import re
import stat
import struct
from pathlib import Path

from credwallet import _crypto
from credwallet.errors import SessionInvalid, StorageError, UsageError
from credwallet.store.files import STATE_DIR, atomic_write, ensure_private_dir, storage_error
from credwallet.store.keys import DATA_KEY_SIZE, KeyRing, SecretKey, frame, u64

__all__ = [
    "MAX_TTL_SECONDS",
    "candidate_dirs",
    "create_session",
    "delete_wallet_files",
    "end_session",
    "open_session",
    "session_dir",
    "session_expiry",
    "sweep_all",
]

MAX_TTL_SECONDS = 12 * 3600
SESSION_DIR_NAME = "credwallet-sessions"
MAGIC = b"CWS2"  # CWS1 (unbound, before issue 16) files are invalid and swept
SESSION_AAD_TAG = b"credwallet/session/v1"
OWNER_TAG = b"credwallet/session-owner/v1"
ID_SIZE = 16
SECRET_SIZE = 32
_HEADER = struct.Struct(">4sQ32s")
FILE_SIZE = _HEADER.size + 12 + DATA_KEY_SIZE + 16
_TOKEN = re.compile(r"([0-9a-f]{32})\.([A-Za-z0-9_-]{43})")
_NAME = re.compile(r"[0-9a-f]{32}")

INVALID = (
    "the unlock session is not valid (ended, edited, or for another wallet); "
    "run `credwallet unlock`"
)
EXPIRED = "the unlock session has expired; run `credwallet unlock` again"


def _private_dir_ok(path: Path) -> bool:
    """A directory that is really ours: not a symlink, owned by us, no group/other access."""
    try:
        info = path.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    return not info.st_mode & 0o077


def _runtime_candidates() -> list[Path]:
    """Private per-user runtime dirs (tmpfs, cleared at logout or reboot), best first."""
    found = []
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_absolute():
        found.append(Path(runtime))
    if hasattr(os, "getuid"):
        found.append(Path(f"/run/user/{os.getuid()}"))
    return [p for p in dict.fromkeys(found) if _private_dir_ok(p)]


def _state_fallback() -> Path:
    """The user's state dir (not the wallet home): for systems with no private runtime dir."""
    import platformdirs  # honours XDG_STATE_HOME

    return Path(platformdirs.user_state_dir("credwallet", appauthor=False)) / "sessions"


def candidate_dirs(home: Path) -> list[Path]:
    """Every place session files of this user may be, including the old in-home one."""
    found = [p / SESSION_DIR_NAME for p in _runtime_candidates()]
    found += [_state_fallback(), home / STATE_DIR / "sessions"]
    return list(dict.fromkeys(found))


def session_dir(home: Path) -> Path:
    """Where a new session file goes: a private runtime dir, else the user's state dir.

    Never inside the wallet home; if the state dir lies inside it, there is no safe place.
    """
    for runtime in _runtime_candidates():
        candidate = runtime / SESSION_DIR_NAME
        with contextlib.suppress(StorageError):
            ensure_private_dir(candidate)
        if _private_dir_ok(candidate):
            return candidate
    fallback = _state_fallback()
    if fallback.absolute().is_relative_to(home.absolute()):
        raise StorageError(
            f"no private place for session files outside the wallet home {home}; "
            "set XDG_RUNTIME_DIR or XDG_STATE_HOME"
        )
    ensure_private_dir(fallback)
    if not _private_dir_ok(fallback):
        raise StorageError(f"{fallback} is not a private directory; sessions cannot be kept there")
    return fallback


def _wrap_key(secret: bytes, session_id: bytes, binding: bytes) -> bytes:
    # The binding (keyslot + session salt) is in the key itself: once it changes, the token and
    # the file together no longer unwrap anything, whatever the program checks.
    return _crypto.hkdf_sha256(
        secret, salt=session_id, info=b"credwallet/v2/session-wrap" + frame(binding)
    )


def _owner(keys: KeyRing, session_id: bytes) -> bytes:
    return _crypto.hmac_sha256(keys.subkey("session").reveal(), OWNER_TAG + session_id)


def _aad(wallet_id: bytes, session_id: bytes, expires: int, owner: bytes) -> bytes:
    return SESSION_AAD_TAG + frame(wallet_id, session_id, u64(expires), owner)


def _parse_token(token: str) -> tuple[bytes, bytes]:
    match = _TOKEN.fullmatch(token.strip())
    if match is None:
        raise SessionInvalid("the unlock session token is malformed; run `credwallet unlock`")
    try:
        secret = base64.urlsafe_b64decode(match.group(2) + "=")
    except (binascii.Error, ValueError):
        raise SessionInvalid("the unlock session token is malformed") from None
    if len(secret) != SECRET_SIZE:
        raise SessionInvalid("the unlock session token is malformed")
    return bytes.fromhex(match.group(1)), secret


def _read(path: Path) -> bytes | None:
    """The file's bytes, or None if it is missing, not a regular file, or the wrong size."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, FILE_SIZE + 1)
    finally:
        os.close(fd)
    return data if len(data) == FILE_SIZE else None


def sweep_expired(directory: Path, now: float) -> None:
    """Delete session files whose expiry has passed, and files of an older layout (anyone's:
    the expiry is public, and an old layout can no longer open anything)."""
    try:
        names = [p for p in directory.iterdir() if _NAME.fullmatch(p.name)]
    except OSError:
        return
    for path in names:
        data = _read(path)
        if data is None:
            continue
        magic, expires, _ = _HEADER.unpack_from(data)
        if magic != MAGIC or expires <= now:
            with contextlib.suppress(OSError):
                path.unlink()


def sweep_all(home: Path, now: float) -> None:
    """:func:`sweep_expired` in every candidate dir; the old in-home dir is emptied outright
    (files there predate the binding and can no longer open anything)."""
    legacy = home / STATE_DIR / "sessions"
    for directory in candidate_dirs(home):
        if directory == legacy:
            _remove_all(directory)
        else:
            sweep_expired(directory, now)


def _remove_all(directory: Path) -> None:
    try:
        names = [p for p in directory.iterdir() if _NAME.fullmatch(p.name)]
    except OSError:
        return
    for path in names:
        with contextlib.suppress(OSError):
            path.unlink()


def create_session(
    home: Path, keys: KeyRing, ttl_seconds: int, *, now: float, binding: bytes
) -> str:
    """Write a session file and return its token; ``ttl_seconds`` is capped at 12 hours."""
    if ttl_seconds <= 0:
        raise UsageError("an unlock session needs a positive duration")
    ttl = min(int(ttl_seconds), MAX_TTL_SECONDS)
    directory = session_dir(home)
    sweep_expired(directory, now)
    session_id = _crypto.random_bytes(ID_SIZE)
    secret = _crypto.random_bytes(SECRET_SIZE)
    expires = int(now) + ttl
    owner = _owner(keys, session_id)
    sealed = _crypto.aesgcm_seal(
        _wrap_key(secret, session_id, binding),
        keys.data_key.reveal(),
        _aad(keys.wallet_id, session_id, expires, owner),
    )
    path = directory / session_id.hex()
    try:
        atomic_write(path, _HEADER.pack(MAGIC, expires, owner) + sealed)
    except OSError as exc:
        raise storage_error(path, exc) from None
    return f"{session_id.hex()}.{base64.urlsafe_b64encode(secret).rstrip(b'=').decode('ascii')}"


def _find(home: Path, session_id: bytes) -> Path | None:
    for directory in candidate_dirs(home):
        path = directory / session_id.hex()
        if _read(path) is not None:
            return path
    return None


def open_session(
    home: Path, wallet_id: bytes, token: str, *, now: float, binding: bytes
) -> SecretKey:
    """The data key a valid token unlocks, or :class:`SessionInvalid`."""
    session_id, secret = _parse_token(token)
    path = _find(home, session_id)
    data = None if path is None else _read(path)
    if path is None or data is None:
        raise SessionInvalid(INVALID)
    magic, expires, owner = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise SessionInvalid(INVALID)
    if expires <= now:
        with contextlib.suppress(OSError):
            path.unlink()
        raise SessionInvalid(EXPIRED)
    try:
        key = _crypto.aesgcm_open(
            _wrap_key(secret, session_id, binding),
            data[_HEADER.size :],
            _aad(wallet_id, session_id, expires, owner),
        )
    except _crypto.OpenFailed:
        raise SessionInvalid(INVALID) from None
    if len(key) != DATA_KEY_SIZE:
        raise SessionInvalid(INVALID)
    return SecretKey(key)


def session_expiry(home: Path, token: str) -> int | None:
    """When the token's session file says it expires (Unix s), without opening it; None if
    there is no such file. For `credwallet status`: the expiry is in the clear by design."""
    try:
        session_id, _ = _parse_token(token)
    except SessionInvalid:
        return None
    data = _read(session_dir(home) / session_id.hex())
    if data is None:
        return None
    magic, expires, _owner_tag = _HEADER.unpack_from(data)
    return int(expires) if magic == MAGIC else None


def end_session(home: Path, keys: KeyRing, token: str) -> None:
    """Delete the token's session file if it belongs to this wallet; a missing one is fine."""
    session_id, _ = _parse_token(token)
    path = _find(home, session_id)
    data = None if path is None else _read(path)
    if (
        path is not None
        and data is not None
        and _crypto.constant_time_equal(_HEADER.unpack_from(data)[2], _owner(keys, session_id))
    ):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def delete_wallet_files(home: Path, keys: KeyRing, *, now: float) -> int:
    """Delete this wallet's session files (and expired ones) in every candidate dir.

    Only tidiness: the sessions were already ended by changing the binding (the caller).
    """
    sweep_all(home, now)
    ended = 0
    for directory in candidate_dirs(home):
        try:
            paths = [p for p in directory.iterdir() if _NAME.fullmatch(p.name)]
        except OSError:
            continue
        for path in paths:
            data = _read(path)
            if data is None:
                continue
            owner = _HEADER.unpack_from(data)[2]
            if _crypto.constant_time_equal(owner, _owner(keys, bytes.fromhex(path.name))):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    ended += 1
    return ended
