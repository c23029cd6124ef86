"""credwallet.net: the network rules (schemes, addresses, caps, redirects), the dated cache."""

from __future__ import annotations

import socket
import stat
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credwallet import net
from credwallet.errors import FetchError
from credwallet.exchange.serving import serving
from credwallet.net import (
    DirectoryCache,
    Fetched,
    Fetcher,
    HttpStatusError,
    MemoryCache,
    check_url,
    loopback_allowed_from_env,
)

FIXED = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


class _Handler(BaseHTTPRequestHandler):
    """Routes: /doc (JSON), /big (no length), /biglen (declared length), /redirect?to=..."""

    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}

    def do_GET(self) -> None:
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, tuple[int, dict[str, str], bytes]]]]:
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
    handler = type("Handler", (_Handler,), {"routes": routes})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with serving(httpd):
        yield f"http://127.0.0.1:{httpd.server_address[1]}", routes


def _json(body: bytes) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/json", "Content-Length": str(len(body))}, body


def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


class TestSchemes:
    @pytest.mark.parametrize(
        "url",
        [
            "file:///etc/passwd",
            "data:application/json,{}",
            "ftp://example.org/x.json",
            "gopher://example.org/",
            "javascript:alert(1)",
            "//example.org/x",
            "example.org/x",
            "",
        ],
    )
    def test_other_schemes_are_refused(self, url: str) -> None:
        """Only https (and loopback http) URLs are fetched."""
        fetcher = Fetcher(cache=None, offline=False, allow_loopback=True)
        with pytest.raises(FetchError, match="refused"):
            fetcher.fetch(url)

    def test_plain_http_to_a_public_host_is_refused(self) -> None:
        """Plain http is refused for anything but loopback, even when loopback is allowed."""
        with pytest.raises(FetchError, match="plain http"):
            check_url("http://example.org/badge.json", allow_loopback=True)

    def test_plain_http_to_loopback_needs_permission(self) -> None:
        """http://127.0.0.1 is refused unless loopback is allowed."""
        with pytest.raises(FetchError, match="plain http"):
            check_url("http://127.0.0.1:8000/x")
        check_url("http://127.0.0.1:8000/x", allow_loopback=True)

    def test_credentials_in_url_are_refused(self) -> None:
        """A URL carrying user:password is never fetched."""
        with pytest.raises(FetchError, match="credentials"):
            check_url("https://user:pw@example.org/x")

    def test_control_characters_are_refused(self) -> None:
        """A URL with a newline (header injection) is refused."""
        with pytest.raises(FetchError, match="well-formed"):
            check_url("https://example.org/x\r\nHost: evil")

    @given(st.text(max_size=60))
    def test_any_string_is_accepted_or_refused_cleanly(self, url: str) -> None:
        """Any string either passes the static check or raises FetchError."""
        try:
            check_url(url)
        except FetchError as exc:
            assert str(exc)


class TestAddresses:
    @pytest.mark.parametrize(
        "address",
        [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "fe80::1",
            "fc00::1",
            "::ffff:10.0.0.1",
            "::1",
            "127.0.0.1",
        ],
    )
    def test_host_resolving_to_a_non_public_address_is_refused(self, address: str) -> None:
        """A name resolving to a private, link-local, loopback or multicast address is refused."""
        fetcher = Fetcher(cache=None, offline=False, resolver=lambda host, port: [address])
        with pytest.raises(FetchError, match="refused"):
            fetcher.fetch("https://innocent.example/badge.json")

    def test_one_bad_answer_among_good_ones_is_refused(self) -> None:
        """Every resolved address must be public, not just the first."""
        fetcher = Fetcher(
            cache=None, offline=False, resolver=lambda host, port: ["93.184.216.34", "10.0.0.1"]
        )
        with pytest.raises(FetchError, match="not a public address"):
            fetcher.fetch("https://mixed.example/badge.json")

    @pytest.mark.parametrize("url", ["https://10.0.0.1/x", "https://[::1]/x", "https://127.1.2.3/"])
    def test_literal_private_addresses_are_refused(self, url: str) -> None:
        """A literal private or loopback IP in the URL is refused before anything else."""
        with pytest.raises(FetchError, match="refused"):
            check_url(url)

    def test_localhost_is_refused_without_loopback(self) -> None:
        """https://localhost resolves to loopback and is refused by default."""
        fetcher = Fetcher(cache=None, offline=False)
        with pytest.raises(FetchError, match="loopback"):
            fetcher.fetch("https://localhost:9/x")

    def test_connection_goes_to_the_checked_address(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The socket connects to the IP that was checked, not to a fresh lookup of the name."""
        seen: list[tuple[str, int]] = []

        def record(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
            seen.append(address)
            raise OSError("stop here")

        monkeypatch.setattr(socket, "create_connection", record)
        fetcher = Fetcher(cache=None, offline=False, resolver=lambda host, port: ["93.184.216.34"])
        with pytest.raises(FetchError, match="could not fetch"):
            fetcher.fetch("https://rebinding.example/x")
        assert seen == [("93.184.216.34", 443)]


class TestLoopbackServer:
    def test_fetches_json_with_time_and_type(
        self, server: tuple[str, dict[str, tuple[int, dict[str, str], bytes]]]
    ) -> None:
        """A loopback fetch returns the body, the content type and the clock's time."""
        base, routes = server
        routes["/doc"] = _json(b'{"ok": true}')
        cache = MemoryCache()
        fetcher = Fetcher(cache=cache, offline=False, allow_loopback=True, clock=lambda: FIXED)
        doc = fetcher.fetch(base + "/doc")
        assert doc.body == b'{"ok": true}'
        assert doc.content_type == "application/json"
        assert doc.fetched_at == FIXED
        assert not doc.from_cache
        cached = cache.get(base + "/doc")
        assert cached is not None and cached.body == doc.body

    def test_loopback_refused_by_default(
        self, server: tuple[str, dict[str, tuple[int, dict[str, str], bytes]]]
    ) -> None:
        """The same server is refused when loopback is not allowed."""
        base, routes = server
        routes["/doc"] = _json(b"{}")
        with pytest.raises(FetchError, match="refused"):
            Fetcher(cache=None, offline=False).fetch(base + "/doc")

    def test_size_cap_without_declared_length(
        self, server: tuple[str, dict[str, tuple[int, dict[str, str], bytes]]]
    ) -> None:
        """A body over the cap is refused while reading, even with no Content-Length."""
        base, routes = server
        routes["/big"] = (200, {}, b"x" * 5000)
        fetcher = Fetcher(cache=None, offline=False, allow_loopback=True, max_bytes=1000)
        with pytest.raises(FetchError, match="too large"):
            fetcher.fetch(base + "/big")

    def test_size_cap_with_declared_length(
        self, server: tuple[str, dict[str, tuple[int, dict[str, str], bytes]]]
    ) -> None:
        """A declared Content-Length over the cap is refused before reading the body."""
        base, routes = server
        routes["/biglen"] = _json(b"y" * 2000)
        fetcher = Fetcher(cache=None, offline=False, allow_loopback=True, max_bytes=1000)
        with pytest.raises(FetchError, match="too large"):
            fetcher.fetch(base + "/biglen")

    def test_body_at_the_cap_is_accepted(
        self, server: tuple[str, dict[str, tuple[int, dict[str, str], bytes]]]
    ) -> None:
        """A body of exactly max_bytes is read whole."""
        base, routes = server
        routes["/edge"] = (200, {}, b"z" * 1000)
        fetcher = Fetcher(cache=None, offline=False, allow_loopback=True, max_bytes=1000)
        assert fetcher.fetch(base + "/edge").body == b"z" * 1000

    def test_http_error_status_is_reported_with_body(
        self, server: tuple[str, dict[str, tuple[int, dict[str, str], bytes]]]
    ) -> None:
        """A 410 answer raises HttpStatusError carrying the status and body."""
        base, routes = server
        routes["/gone"] = (410, {"Content-Length": "15"}, b'{"revoked":true}'[:15])
        fetcher = Fetcher(cache=None, offline=False, allow_loopback=True)
        with pytest.raises(HttpStatusError) as info:
            fetcher.fetch(base + "/gone")
        assert info.value.status == 410
        assert info.value.body.startswith(b'{"revoked"')

    def test_redirect_is_followed_and_rechecked(
        self, server: tuple[str, dict[str, tuple[int, dict[str, str], bytes]]]
    ) -> None:
        """A relative redirect to an allowed URL is followed; the result keeps the asked URL."""
        base, routes = server
        routes["/old"] = (302, {"Location": "/doc", "Content-Length": "0"}, b"")
        routes["/doc"] = _json(b'{"moved": true}')
        fetcher = Fetcher(cache=None, offline=False, allow_loopback=True)
        doc = fetcher.fetch(base + "/old")
        assert doc.body == b'{"moved": true}'
        assert doc.url == base + "/old"

    @pytest.mark.parametrize(
        "location",
        ["file:///etc/passwd", "http://10.0.0.1/x", "https://169.254.169.254/latest", "ftp://x/"],
    )
    def test_redirect_to_forbidden_target_is_refused(
        self,
        server: tuple[str, dict[str, tuple[int, dict[str, str], bytes]]],
        location: str,
    ) -> None:
        """A redirect to another scheme or a private address is refused."""
        base, routes = server
        routes["/evil"] = (302, {"Location": location, "Content-Length": "0"}, b"")
        fetcher = Fetcher(cache=None, offline=False, allow_loopback=True)
        with pytest.raises(FetchError, match="refused"):
            fetcher.fetch(base + "/evil")

    def test_redirect_loop_stops(
        self, server: tuple[str, dict[str, tuple[int, dict[str, str], bytes]]]
    ) -> None:
        """More than five redirects is an error, not a hang."""
        base, routes = server
        routes["/loop"] = (302, {"Location": "/loop", "Content-Length": "0"}, b"")
        fetcher = Fetcher(cache=None, offline=False, allow_loopback=True)
        with pytest.raises(FetchError, match="too many redirects"):
            fetcher.fetch(base + "/loop")

    def test_timeout_on_silent_server(self) -> None:
        """A server that accepts but never answers gives a timeout error."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        try:
            port = listener.getsockname()[1]
            fetcher = Fetcher(cache=None, offline=False, allow_loopback=True, timeout=0.2)
            with pytest.raises(FetchError, match="timed out"):
                fetcher.fetch(f"http://127.0.0.1:{port}/x")
        finally:
            listener.close()


def _open_after_error(monkeypatch: pytest.MonkeyPatch, fetch: Callable[[], object]) -> list[int]:
    """File numbers of the sockets ``fetch`` opened that are still open once it has raised.

    The FetchError is kept while checking, as a CLI runner keeps it: its traceback holds the
    request's frames, so a socket only its unclosed response owned would still be open, and be
    closed later by garbage collection (a ResourceWarning at some unrelated place).
    """
    opened: list[socket.socket] = []
    real = socket.create_connection

    def recording(*args: Any, **kwargs: Any) -> socket.socket:
        sock = real(*args, **kwargs)
        opened.append(sock)
        return sock

    monkeypatch.setattr(socket, "create_connection", recording)
    with pytest.raises(FetchError) as info:
        fetch()
    assert info.value is not None and opened
    return [sock.fileno() for sock in opened if sock.fileno() != -1]


class TestConnectionsAreClosed:
    """A fetch that stops reading early closes its socket (not left to garbage collection)."""

    @pytest.mark.parametrize(
        ("path", "route"),
        [
            ("/big", (200, {}, b"x" * 5000)),  # cap hit while reading, "Connection: close"
            ("/biglen", _json(b"y" * 2000)),  # declared length over the cap
        ],
    )
    def test_size_cap_closes_the_socket(
        self,
        server: tuple[str, dict[str, tuple[int, dict[str, str], bytes]]],
        monkeypatch: pytest.MonkeyPatch,
        path: str,
        route: tuple[int, dict[str, str], bytes],
    ) -> None:
        base, routes = server
        routes[path] = route
        fetcher = Fetcher(cache=None, offline=False, allow_loopback=True, max_bytes=1000)
        assert _open_after_error(monkeypatch, lambda: fetcher.fetch(base + path)) == []

    def test_timeout_midway_closes_the_socket(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Headers arrive, then the body stalls until the deadline passes."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        done = threading.Event()

        def stall() -> None:
            peer, _ = listener.accept()
            with peer:
                peer.recv(65536)
                peer.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{")
                done.wait(10)

        thread = threading.Thread(target=stall, daemon=True)
        thread.start()
        port = listener.getsockname()[1]
        fetcher = Fetcher(cache=None, offline=False, allow_loopback=True, timeout=0.3)
        url = f"http://127.0.0.1:{port}/x"
        try:
            assert _open_after_error(monkeypatch, lambda: fetcher.fetch(url)) == []
        finally:
            done.set()
            thread.join(10)
            listener.close()


class TestHttpsRedirects:
    def test_https_to_http_redirect_is_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An https URL redirecting to plain http is refused, whatever the target host."""
        calls: list[str] = []

        def fake_request(
            self: Fetcher, target: object, address: str, accept: str, deadline: float
        ) -> tuple[int, dict[str, str], bytes]:
            calls.append(address)
            return 302, {"location": "http://127.0.0.1/x"}, b""

        monkeypatch.setattr(Fetcher, "_request", fake_request)
        fetcher = Fetcher(
            cache=None,
            offline=False,
            allow_loopback=True,
            resolver=lambda host, port: ["93.184.216.34"],
        )
        with pytest.raises(FetchError, match="non-https"):
            fetcher.fetch("https://issuer.example/badge")
        assert calls == ["93.184.216.34"]


class TestTlsContext:
    def test_a_context_that_does_not_verify_is_refused(self) -> None:
        """A caller's TLS context without certificate or host-name checks is refused at once."""
        import ssl

        lax = ssl.create_default_context()
        lax.check_hostname = False
        with pytest.raises(ValueError, match="must verify"):
            Fetcher(cache=None, offline=False, ssl_context=lax)
        lax.verify_mode = ssl.CERT_NONE
        with pytest.raises(ValueError, match="must verify"):
            Fetcher(cache=None, offline=False, ssl_context=lax)

    def test_the_default_context_verifies_and_is_made_once(self) -> None:
        """Without a context the system default is used (made on first use, then kept)."""
        import ssl

        fetcher = Fetcher(cache=None, offline=False)
        tls = fetcher._tls
        assert tls.verify_mode is ssl.CERT_REQUIRED and tls.check_hostname
        assert fetcher._tls is tls


class TestOffline:
    def test_offline_never_opens_a_socket(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Offline mode serves the cache and opens no socket."""
        _no_network(monkeypatch)
        cache = MemoryCache([Fetched("https://issuer.example/list", b"{}", FIXED)])
        fetcher = Fetcher(cache=cache, offline=True)
        doc = fetcher.fetch("https://issuer.example/list")
        assert doc.from_cache and doc.fetched_at == FIXED and doc.body == b"{}"

    def test_offline_without_cached_copy_fails_without_socket(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Offline and not cached: a FetchError naming the URL, no socket."""
        _no_network(monkeypatch)
        fetcher = Fetcher(cache=MemoryCache(), offline=True)
        with pytest.raises(FetchError, match=r"offline: https://issuer\.example/x"):
            fetcher.fetch("https://issuer.example/x")

    def test_offline_still_applies_scheme_rules(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A file: URL is refused offline too, even if a cache entry has that key."""
        _no_network(monkeypatch)
        cache = MemoryCache([Fetched("file:///etc/passwd", b"root", FIXED)])
        with pytest.raises(FetchError, match="refused"):
            Fetcher(cache=cache, offline=True).fetch("file:///etc/passwd")


class TestCacheFallback:
    def test_network_failure_falls_back_to_cache(self) -> None:
        """When the host is unreachable, the cached copy is returned with its fetch time."""
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        url = f"http://127.0.0.1:{port}/status"
        cache = MemoryCache([Fetched(url, b'{"cached": 1}', FIXED)])
        fetcher = Fetcher(cache=cache, offline=False, allow_loopback=True)
        doc = fetcher.fetch(url)
        assert doc.from_cache and doc.fetched_at == FIXED and doc.body == b'{"cached": 1}'

    def test_network_failure_without_cache_raises(self) -> None:
        """Unreachable and not cached: FetchError."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        fetcher = Fetcher(cache=MemoryCache(), offline=False, allow_loopback=True)
        with pytest.raises(FetchError, match="could not fetch"):
            fetcher.fetch(f"http://127.0.0.1:{port}/status")

    def test_http_error_does_not_fall_back(
        self, server: tuple[str, dict[str, tuple[int, dict[str, str], bytes]]]
    ) -> None:
        """A server that answers 404 is believed, not replaced by an old cached copy."""
        base, _routes = server
        cache = MemoryCache([Fetched(base + "/missing", b"{}", FIXED)])
        fetcher = Fetcher(cache=cache, offline=False, allow_loopback=True)
        with pytest.raises(HttpStatusError):
            fetcher.fetch(base + "/missing")


class TestDirectoryCache:
    def test_round_trip_keeps_time_and_type(self, tmp_path: Path) -> None:
        """A stored document comes back with its URL, body, fetch time and type."""
        cache = DirectoryCache(tmp_path / "c")
        cache.put(Fetched("https://a.example/x", b"body", FIXED, content_type="application/json"))
        doc = DirectoryCache(tmp_path / "c").get("https://a.example/x")
        assert doc == Fetched("https://a.example/x", b"body", FIXED, True, "application/json")
        assert [d.url for d in cache.items()] == ["https://a.example/x"]

    def test_files_are_private(self, tmp_path: Path) -> None:
        """The directory is 0700 and every file in it 0600."""
        cache = DirectoryCache(tmp_path / "c")
        cache.put(Fetched("https://a.example/x", b"body", FIXED))
        assert stat.S_IMODE((tmp_path / "c").stat().st_mode) == 0o700
        files = list((tmp_path / "c").iterdir())
        assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)

    def test_damaged_index_is_an_empty_cache(self, tmp_path: Path) -> None:
        """A corrupt index.json means nothing is cached, not a crash."""
        cache = DirectoryCache(tmp_path / "c")
        cache.put(Fetched("https://a.example/x", b"body", FIXED))
        (tmp_path / "c" / "index.json").write_text("{not json")
        assert cache.get("https://a.example/x") is None
        assert cache.items() == []

    def test_clear_removes_everything(self, tmp_path: Path) -> None:
        """clear() forgets every document."""
        cache = DirectoryCache(tmp_path / "c")
        cache.put(Fetched("https://a.example/x", b"1", FIXED))
        cache.put(Fetched("https://a.example/y", b"2", FIXED))
        cache.clear()
        assert cache.items() == [] and cache.get("https://a.example/x") is None

    def test_cache_dir_from_env(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        """CREDWALLET_CACHE_DIR names the no-wallet cache directory."""
        monkeypatch.setenv("CREDWALLET_CACHE_DIR", str(tmp_path / "env-cache"))
        cache = net.directory_cache_from_env()
        assert cache is not None and cache.path == tmp_path / "env-cache"
        monkeypatch.delenv("CREDWALLET_CACHE_DIR")
        assert net.directory_cache_from_env() is None


class TestLoopbackFromEnv:
    def test_only_one_allows_loopback(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """CREDWALLET_ALLOW_LOOPBACK=1 allows loopback; anything else does not."""
        monkeypatch.setenv("CREDWALLET_ALLOW_LOOPBACK", "1")
        assert loopback_allowed_from_env()
        monkeypatch.setenv("CREDWALLET_ALLOW_LOOPBACK", "yes")
        assert not loopback_allowed_from_env()
        monkeypatch.delenv("CREDWALLET_ALLOW_LOOPBACK")
        assert not loopback_allowed_from_env()
