"""Issue 16: one deadline per fetch (slow-loris servers) and IPv6 forms that embed IPv4."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from trickle import HTTP_TRICKLE, TLS_TRICKLE, trickle_server
from typer.testing import CliRunner

from credwallet.errors import FetchError
from credwallet.net import Fetcher, check_url, timeout_from_env

# Seconds the whole fetch may take with a 0.5 s deadline, generous for a loaded CI machine.
BOUND = 5.0


class TestOneDeadline:
    def test_trickled_status_line_and_headers_time_out(self) -> None:
        """A server sending one byte every 50 ms is cut off at the deadline, not per read."""
        with trickle_server(HTTP_TRICKLE) as server:
            fetcher = Fetcher(cache=None, offline=False, allow_loopback=True, timeout=0.5)
            started = time.monotonic()
            with pytest.raises(FetchError, match="timed out"):
                fetcher.fetch(f"http://127.0.0.1:{server.port}/badge.json")
            assert time.monotonic() - started < BOUND
        # The per-read timeout never fired: bytes kept coming until the deadline.
        assert server.sent and server.sent[0] > 2

    def test_trickled_tls_handshake_times_out(self) -> None:
        """A TLS handshake trickled byte by byte is bounded by the same deadline."""
        with trickle_server(TLS_TRICKLE) as server:
            fetcher = Fetcher(cache=None, offline=False, allow_loopback=True, timeout=0.5)
            started = time.monotonic()
            with pytest.raises(FetchError, match="timed out"):
                fetcher.fetch(f"https://127.0.0.1:{server.port}/badge.json")
            assert time.monotonic() - started < BOUND

    def test_verify_through_the_cli_gives_up_on_a_slow_server(self, tmp_path: Path) -> None:
        """`credwallet verify URL` against a trickling server fails with a one-line timeout."""
        from credwallet.cli._app import app

        with trickle_server(HTTP_TRICKLE) as server:
            started = time.monotonic()
            result = CliRunner().invoke(
                app,
                ["--home", str(tmp_path / "none"), "verify", f"http://127.0.0.1:{server.port}/b"],
                env={
                    "CREDWALLET_ALLOW_LOOPBACK": "1",
                    "CREDWALLET_NET_TIMEOUT": "0.5",
                    "CREDWALLET_CACHE_DIR": str(tmp_path / "cache"),
                },
            )
            elapsed = time.monotonic() - started
        assert result.exit_code == 4, result.output
        assert "timed out" in result.output
        assert "Traceback" not in result.output
        assert elapsed < BOUND

    @pytest.mark.parametrize(
        ("text", "expected"), [("2.5", 2.5), ("", 10.0), ("nan", 10.0), ("0", 10.0), ("x", 10.0)]
    )
    def test_timeout_from_env(
        self, monkeypatch: pytest.MonkeyPatch, text: str, expected: float
    ) -> None:
        """CREDWALLET_NET_TIMEOUT sets the deadline; nonsense keeps the default."""
        monkeypatch.setenv("CREDWALLET_NET_TIMEOUT", text)
        assert timeout_from_env() == expected


# address, refused? (True: refused whatever the resolver says)
EMBEDDED = [
    ("64:ff9b::a00:1", True),  # NAT64 of 10.0.0.1
    ("64:ff9b::7f00:1", True),  # NAT64 of 127.0.0.1
    ("64:ff9b::a9fe:a9fe", True),  # NAT64 of 169.254.169.254 (cloud metadata)
    ("64:ff9b::5db8:d822", False),  # NAT64 of 93.184.216.34 (public)
    ("64:ff9b:1::5db8:d822", True),  # local-use NAT64 prefix
    ("2002:a00:1::1", True),  # 6to4 of 10.0.0.1
    ("2002:c0a8:101::1", True),  # 6to4 of 192.168.1.1
    ("2002:5db8:d822::1", False),  # 6to4 of a public address
    ("::10.0.0.1", True),  # IPv4-compatible (deprecated)
    ("::93.184.216.34", True),  # IPv4-compatible, even of a public address
    ("::127.0.0.1", True),
    ("::ffff:169.254.169.254", True),  # IPv4-mapped
    ("::ffff:0:a00:1", True),  # IPv4-translated of 10.0.0.1
    ("fec0::1", True),  # site-local (deprecated)
    ("fed0::1", True),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", True),  # Teredo
    ("::", True),
    ("2606:4700::1111", False),  # ordinary public IPv6
]


class TestEmbeddedIPv4:
    @pytest.mark.parametrize(("address", "refused"), EMBEDDED)
    def test_resolved_address(self, address: str, refused: bool) -> None:
        """An IPv6 answer is judged by the IPv4 address it carries; deprecated ranges never pass."""
        fetcher = Fetcher(
            cache=None,
            offline=False,
            resolver=lambda host, port: [address],
            allowed=lambda url: True,
        )
        if refused:
            with pytest.raises(FetchError, match="refused"):
                fetcher._checked_address(_target(fetcher, "https://innocent.example/b"))
        else:
            assert fetcher._checked_address(_target(fetcher, "https://innocent.example/b"))

    @pytest.mark.parametrize(("address", "refused"), EMBEDDED)
    def test_literal_address(self, address: str, refused: bool) -> None:
        """The same table holds for a literal address in the URL."""
        if refused:
            with pytest.raises(FetchError, match="refused"):
                check_url(f"https://[{address}]/b")
        else:
            check_url(f"https://[{address}]/b")


def _target(fetcher: Fetcher, url: str) -> object:
    from credwallet.net import _parse_target

    return _parse_target(url, allow_loopback=fetcher.allow_loopback)
