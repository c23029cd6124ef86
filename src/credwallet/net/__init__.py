"""The only module of credwallet that opens a network connection.

Every document a verification needs from elsewhere (a did:web document, a status list, a hosted
Open Badge, an issuer profile) comes through :class:`Fetcher`, which enforces the rules a
credential wallet owes its user when a credential tells it where to go:

- HTTPS only; plain HTTP only to a loopback address, and only when the caller allows loopback
  (tests and local development); no ``file:``, ``data:``, ``ftp:`` or any other scheme;
- the host name is resolved here and *every* address it resolves to must be public (not private,
  shared, link-local, loopback, multicast or reserved; an IPv6 address that embeds an IPv4 one,
  NAT64, 6to4 or mapped, is judged by that IPv4 address; deprecated IPv6 ranges are refused);
  the connection then goes to the address
  that was checked, so a DNS answer that changes between check and use (DNS rebinding) cannot
  redirect the request to the user's own network;
- one overall deadline per fetch (connect, TLS handshake, status line, headers, body and
  redirects together: a server trickling bytes cannot hold it), a size cap enforced while reading;
- redirects are followed by hand (at most five) and every target is checked again;
- ``offline=True`` never opens a socket: it serves the cache and says when the copy was fetched,
  so a report can say "as of <time>"; online, a network failure falls back to the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urljoin, urlsplit

from credwallet.errors import FetchError

if TYPE_CHECKING:
    import http.client
    import ssl

__all__ = [
    "DirectoryCache",
    "DocumentCache",
    "Fetched",
    "Fetcher",
    "HttpStatusError",
    "MemoryCache",
    "Reply",
    "Resolver",
    "check_url",
    "directory_cache_from_env",
    "loopback_allowed_from_env",
    "timeout_from_env",
]

MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_USER_AGENT = "credwallet (credential verification)"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024

# getaddrinfo-style resolver: (host, port) -> IP address strings
Resolver = Callable[[str, int], list[str]]


@dataclass(frozen=True, slots=True)
class Fetched:
    """A document as received, with when it was fetched and whether it came from the cache."""

    url: str
    body: bytes = field(repr=False)
    fetched_at: datetime
    from_cache: bool = False
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """A server's answer to a POST, whatever its status (OAuth servers explain errors in 400s)."""

    url: str
    status: int
    body: bytes = field(repr=False)
    content_type: str | None = None


class HttpStatusError(FetchError):
    """Raised when: the server answered with a status other than 200 (after redirects).

    OB 2.0 hosted assertions use 410 Gone (with a JSON body) to say "revoked", so the status and
    the (size-capped) body are kept for callers that give them a meaning.
    """

    def __init__(self, message: str, *, url: str, status: int, body: bytes = b"") -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.body = body


class DocumentCache(Protocol):
    """Where fetched documents are kept, keyed by the URL that was asked for."""

    def get(self, url: str) -> Fetched | None: ...

    def put(self, doc: Fetched) -> None: ...

    def items(self) -> list[Fetched]: ...

    def clear(self) -> None: ...


class MemoryCache:
    """A cache in a dict: for one command run, or for tests that serve bundled resources."""

    def __init__(self, docs: list[Fetched] | None = None) -> None:
        self._docs: dict[str, Fetched] = {d.url: d for d in docs or ()}

    def get(self, url: str) -> Fetched | None:
        return self._docs.get(url)

    def put(self, doc: Fetched) -> None:
        self._docs[doc.url] = replace(doc, from_cache=False)

    def items(self) -> list[Fetched]:
        return list(self._docs.values())

    def clear(self) -> None:
        self._docs.clear()


class DirectoryCache:
    """A cache on disk: one body file per URL plus ``index.json`` (URL, fetched_at, type).

    Used when verifying without a wallet (``CREDWALLET_CACHE_DIR``). The directory is 0700 and
    every file 0600: cached documents are public, but which ones a user looked at is not.
    A damaged index is treated as an empty cache (it is only a cache).
    """

    _INDEX = "index.json"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def _ensure_dir(self) -> None:
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            self.path.chmod(0o700)

    def _read_index(self) -> dict[str, dict[str, str | None]]:
        try:
            data = json.loads((self.path / self._INDEX).read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {
            str(url): entry
            for url, entry in data.items()
            if isinstance(entry, dict) and isinstance(entry.get("file"), str)
        }

    def _write_private(self, name: str, data: bytes) -> None:
        """Write atomically: a 0600 temp file in the same directory, then rename over."""
        fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".tmp-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            Path(tmp).replace(self.path / name)
        except BaseException:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()
            raise

    @staticmethod
    def _body_name(url: str) -> str:
        return hashlib.sha256(url.encode("utf-8")).hexdigest() + ".body"

    def _load(self, url: str, entry: dict[str, str | None]) -> Fetched | None:
        name = entry.get("file")
        stamp = entry.get("fetched_at")
        if not isinstance(name, str) or not isinstance(stamp, str) or "/" in name:
            return None
        try:
            body = (self.path / name).read_bytes()
            fetched_at = datetime.fromisoformat(stamp)
        except (OSError, ValueError):
            return None
        content_type = entry.get("content_type")
        return Fetched(
            url=url,
            body=body,
            fetched_at=fetched_at,
            from_cache=True,
            content_type=content_type if isinstance(content_type, str) else None,
        )

    def get(self, url: str) -> Fetched | None:
        entry = self._read_index().get(url)
        return self._load(url, entry) if entry is not None else None

    def put(self, doc: Fetched) -> None:
        self._ensure_dir()
        name = self._body_name(doc.url)
        self._write_private(name, doc.body)
        index = self._read_index()
        index[doc.url] = {
            "file": name,
            "fetched_at": doc.fetched_at.isoformat(),
            "content_type": doc.content_type,
        }
        self._write_private(self._INDEX, json.dumps(index, indent=1, sort_keys=True).encode())

    def items(self) -> list[Fetched]:
        loaded = (self._load(url, entry) for url, entry in self._read_index().items())
        return [doc for doc in loaded if doc is not None]

    def clear(self) -> None:
        if not self.path.is_dir():
            return
        for child in self.path.iterdir():
            if child.name == self._INDEX or child.suffix == ".body":
                child.unlink(missing_ok=True)


def loopback_allowed_from_env() -> bool:
    """``CREDWALLET_ALLOW_LOOPBACK=1`` lets CLI tests verify against servers on 127.0.0.1."""
    return os.environ.get("CREDWALLET_ALLOW_LOOPBACK", "") == "1"


def timeout_from_env() -> float:
    """The fetch deadline in seconds: ``CREDWALLET_NET_TIMEOUT`` (0.1 to 120), else 10."""
    text = os.environ.get("CREDWALLET_NET_TIMEOUT", "")
    try:
        value = float(text)
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if 0.1 <= value <= 120 else DEFAULT_TIMEOUT


def directory_cache_from_env() -> DirectoryCache | None:
    """The no-wallet document cache named by ``CREDWALLET_CACHE_DIR``, if any."""
    path = os.environ.get("CREDWALLET_CACHE_DIR")
    return DirectoryCache(path) if path else None


def _system_resolver(host: str, port: int) -> list[str]:
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


@dataclass(frozen=True, slots=True)
class _Target:
    """A URL that passed the static checks: what to connect to and what to ask for."""

    url: str
    scheme: str
    host: str
    port: int
    path: str


def check_url(url: str, *, allow_loopback: bool = False) -> None:
    """Raise FetchError when ``url`` may never be fetched, before any name is resolved.

    Checks the scheme, that there is a host, no credentials in the URL, and (for literal IP
    hosts) the address. Host names are checked again after resolution in :meth:`Fetcher.fetch`.
    """
    _parse_target(url, allow_loopback=allow_loopback)


def _parse_target(url: str, *, allow_loopback: bool) -> _Target:
    if not isinstance(url, str) or not url or any(ord(c) < 0x21 or c == "\x7f" for c in url):
        raise FetchError(f"refused to fetch {url!r}: not a well-formed URL")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"refused to fetch {url}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in {"https", "http"}:
        raise FetchError(f"refused to fetch {url}: only https URLs are fetched")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchError(f"refused to fetch {url}: no host")
    if parts.username is not None or parts.password is not None:
        raise FetchError(f"refused to fetch {url}: credentials in URLs are not sent")
    literal = _literal_ip(host)
    if scheme == "http":
        loopback_name = host.lower() == "localhost" or (literal is not None and literal.is_loopback)
        if not (allow_loopback and loopback_name):
            raise FetchError(
                f"refused to fetch {url}: plain http is only used for loopback test servers"
            )
    if literal is not None:
        _check_address(url, literal, allow_loopback=allow_loopback)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return _Target(
        url=url,
        scheme=scheme,
        host=host,
        port=port or (443 if scheme == "https" else 80),
        path=path,
    )


def _literal_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


# IPv6 ranges that carry an IPv4 address in their low 32 bits: the IPv4 address is where the
# packets end up (through a NAT64 gateway or a translator), so it is judged instead.
_NAT64_PREFIXES = (
    ipaddress.IPv6Network("64:ff9b::/96"),  # RFC 6052 well-known NAT64 prefix
    ipaddress.IPv6Network("::ffff:0:0:0/96"),  # RFC 2765 IPv4-translated (SIIT)
)
# Ranges refused outright: deprecated, or (NAT64 local use) only meaningful inside a network.
_REFUSED_V6 = (
    (ipaddress.IPv6Network("::/96"), "an IPv4-compatible IPv6 address (deprecated)"),
    (ipaddress.IPv6Network("fec0::/10"), "a site-local IPv6 address (deprecated)"),
    (ipaddress.IPv6Network("64:ff9b:1::/48"), "a local-use NAT64 address"),
    (ipaddress.IPv6Network("2001::/32"), "a Teredo tunnel address"),
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64, translated, 6to4), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in net for net in _NAT64_PREFIXES):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _address_problem(address: IPAddress, *, allow_loopback: bool) -> str | None:
    """Why a connection to ``address`` is refused, or None when it is a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.is_loopback or address.is_unspecified:
            pass  # ::1 and :: are judged below; they also lie inside ::/96
        else:
            for network, what in _REFUSED_V6:
                if address in network:
                    return f"{address} is {what}"
            embedded = _embedded_ipv4(address)
            if embedded is not None:
                problem = _address_problem(embedded, allow_loopback=allow_loopback)
                if problem is not None:
                    return f"{address} embeds {embedded}: {problem}"
                return None
    if address.is_loopback:
        return None if allow_loopback else f"{address} is a loopback address"
    if address.is_multicast or not address.is_global:
        return f"{address} is not a public address"
    return None


def _check_address(url: str, address: IPAddress, *, allow_loopback: bool) -> None:
    problem = _address_problem(address, allow_loopback=allow_loopback)
    if problem is not None:
        raise FetchError(f"refused to fetch {url}: {problem}")


class Fetcher:
    """Fetch documents under credwallet's network rules, with a timestamped cache."""

    def __init__(
        self,
        *,
        cache: DocumentCache | None,
        offline: bool,
        allow_loopback: bool = False,
        timeout: float | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        allowed: Callable[[str], bool] | None = None,
        resolver: Resolver | None = None,
        clock: Callable[[], datetime] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.cache = cache
        self.offline = offline
        self.allow_loopback = allow_loopback
        # One budget per fetch, redirects included: connect, TLS handshake, status line,
        # headers and body must all be done before it runs out.
        self.timeout = timeout if timeout is not None else timeout_from_env()
        self.max_bytes = max_bytes
        self._allowed = allowed
        self._resolve: Resolver = resolver or _system_resolver
        self._clock = clock or (lambda: datetime.now(UTC))
        # Certificates are always verified; a caller may bring its own trust roots (a company
        # CA, or a test server's self-signed certificate), never switch verification off.
        if ssl_context is not None:
            import ssl  # already loaded by whoever made the context

            if ssl_context.verify_mode is not ssl.CERT_REQUIRED or not ssl_context.check_hostname:
                raise ValueError("the TLS context must verify certificates and host names")
        # The system's default context is made on first use: loading the CA bundle costs tens
        # of milliseconds, and offline runs (and most Fetchers) never open a TLS connection.
        self._given_tls = ssl_context
        self._default_tls: ssl.SSLContext | None = None

    @property
    def _tls(self) -> ssl.SSLContext:
        if self._given_tls is not None:
            return self._given_tls
        if self._default_tls is None:
            import ssl

            self._default_tls = ssl.create_default_context()
        return self._default_tls

    def fetch(self, url: str, *, accept: str = "application/json") -> Fetched:
        """The document at ``url``; raises FetchError with a one-line reason."""
        _parse_target(url, allow_loopback=self.allow_loopback)
        if self._allowed is not None and not self._allowed(url):
            raise FetchError(f"refused to fetch {url}: not allowed by the caller")
        if self.offline:
            cached = self._cached(url)
            if cached is None:
                raise FetchError(f"offline: {url} is not in the cache")
            return cached
        try:
            doc = self._fetch_online(url, accept)
        except HttpStatusError:
            raise  # the server answered: a cached copy would hide what it said
        except FetchError:
            # The network failed: a cached copy, with the date it was fetched, is the answer.
            cached = self._cached(url)
            if cached is None:
                raise
            return cached
        if self.cache is not None:
            self.cache.put(doc)
        return doc

    def post(
        self,
        url: str,
        body: bytes,
        *,
        content_type: str,
        accept: str = "application/json",
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """POST ``body`` under the same rules as :meth:`fetch`; never cached, never offline.

        A redirect is refused rather than followed: a request carrying a one-time code, a
        token or a signed proof is never re-sent to another place.
        """
        target = _parse_target(url, allow_loopback=self.allow_loopback)
        if self._allowed is not None and not self._allowed(url):
            raise FetchError(f"refused to fetch {url}: not allowed by the caller")
        if self.offline:
            raise FetchError(f"offline: cannot send a request to {url}")
        address = self._checked_address(target)
        extra = {**(headers or {}), "Content-Type": content_type}
        status, got, data = self._request(
            target, address, accept, time.monotonic() + self.timeout, body=body, extra=extra
        )
        if status in _REDIRECT_STATUSES:
            raise FetchError(f"refused to follow a redirect of a request to {url}")
        return Reply(url=url, status=status, body=data, content_type=got.get("content-type"))

    def _cached(self, url: str) -> Fetched | None:
        doc = self.cache.get(url) if self.cache is not None else None
        return replace(doc, from_cache=True) if doc is not None else None

    def _fetch_online(self, url: str, accept: str) -> Fetched:
        deadline = time.monotonic() + self.timeout
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            target = _parse_target(current, allow_loopback=self.allow_loopback)
            if self._allowed is not None and not self._allowed(current):
                raise FetchError(f"refused to fetch {current}: not allowed by the caller")
            address = self._checked_address(target)
            status, headers, body = self._request(target, address, accept, deadline)
            if status in _REDIRECT_STATUSES:
                location = headers.get("location")
                if not location:
                    raise FetchError(f"{current} redirected without a Location")
                nxt = urljoin(current, location)
                if urlsplit(current).scheme == "https" and urlsplit(nxt).scheme != "https":
                    raise FetchError(f"refused redirect from {current} to non-https {nxt}")
                current = nxt
                continue
            if status != 200:
                raise HttpStatusError(
                    f"HTTP {status} from {current}", url=current, status=status, body=body
                )
            return Fetched(
                url=url,
                body=body,
                fetched_at=self._clock(),
                from_cache=False,
                content_type=headers.get("content-type"),
            )
        raise FetchError(f"too many redirects from {url} (more than {MAX_REDIRECTS})")

    def _checked_address(self, target: _Target) -> str:
        literal = _literal_ip(target.host)
        addresses = [str(literal)] if literal is not None else self._resolve(target.host, 0)
        if not addresses:
            raise FetchError(f"cannot resolve {target.host}")
        parsed = []
        for text in addresses:
            ip = _literal_ip(text)
            if ip is None:
                raise FetchError(f"cannot resolve {target.host}: bad address {text!r}")
            # Every answer must pass: a name that also resolves to a private address is refused
            # outright, whichever address a connection would have used.
            _check_address(target.url, ip, allow_loopback=self.allow_loopback)
            parsed.append(ip)
        if target.scheme == "http" and not all(ip.is_loopback for ip in parsed):
            raise FetchError(
                f"refused to fetch {target.url}: plain http is only used for loopback test servers"
            )
        return str(parsed[0])

    def _request(
        self,
        target: _Target,
        address: str,
        accept: str,
        deadline: float,
        *,
        body: bytes | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        # http.client (with ssl and email) is loaded only when a request is really made:
        # importing it costs an offline `verify` or `import` about 30 ms of start-up.
        import http.client

        from credwallet.net._transport import PinnedHTTPConnection, PinnedHTTPSConnection

        conn: http.client.HTTPConnection
        if target.scheme == "https":
            conn = PinnedHTTPSConnection(
                target.host, target.port, address, self.timeout, self._tls, deadline
            )
        else:
            conn = PinnedHTTPConnection(target.host, target.port, address, self.timeout, deadline)
        response: http.client.HTTPResponse | None = None
        try:
            conn.request(
                "GET" if body is None else "POST",
                target.path,
                body=body,
                headers={
                    **(extra or {}),
                    "Accept": accept,
                    "User-Agent": _USER_AGENT,
                    "Accept-Encoding": "identity",
                },
            )
            response = conn.getresponse()
            headers = {k.lower(): v for k, v in response.getheaders()}
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(
                    f"{target.url} is too large ({declared} bytes; limit {self.max_bytes})"
                )
            body = self._read_capped(response, target.url, deadline)
            return response.status, headers, body
        except FetchError:
            raise
        except TimeoutError as exc:
            raise FetchError(f"timed out fetching {target.url}") from exc
        except (OSError, http.client.HTTPException) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise FetchError(f"could not fetch {target.url}: {reason}") from exc
        finally:
            # The response holds the socket too: closing only the connection would leave it
            # open until the garbage collector finds it (a reply cut off at the size cap).
            if response is not None:
                response.close()
            conn.close()

    def _read_capped(self, response: http.client.HTTPResponse, url: str, deadline: float) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            if time.monotonic() > deadline:
                raise FetchError(f"timed out fetching {url}")
            chunk = response.read1(_CHUNK)
            if not chunk:
                return b"".join(chunks)
            total += len(chunk)
            if total > self.max_bytes:
                raise FetchError(f"{url} is too large (over {self.max_bytes} bytes)")
            chunks.append(chunk)
