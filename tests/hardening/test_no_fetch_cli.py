"""A badge never makes credwallet fetch a URL it chose: unknown contexts, private and local hosts.

A local server records every TCP connection made to it. Unknown JSON-LD contexts are never
fetched, even from 127.0.0.1 with loopback allowed and the network on; OB 2.0 hosted-badge URLs
that are ``file:``, private, link-local or loopback are refused before any connection.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from badges import ISSUED, badge
from clirun import (
    assert_import_failed,
    assert_no_crash,
    copy_wallet,
    count,
    inproc,
    make_template_wallet,
    wallet_ids,
)
from recorder import RecordingServer, recording_server

from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.jsonld import DocumentLoader
from credwallet.verify.keys import SigningKey
from support import CONTEXTS, EXTERNAL

LOOPBACK_ALLOWED = {"CREDWALLET_ALLOW_LOOPBACK": "1"}
HELD = 2


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with recording_server() as running:
        yield running


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template_wallet(tmp_path_factory.mktemp("template"), HELD)


@pytest.fixture
def home(template: Path, tmp_path: Path) -> Path:
    """A wallet that already holds HELD valid credentials."""
    return copy_wallet(template, tmp_path / "wallet")


def assert_intact(home: Path) -> None:
    assert count(home) == HELD
    check = inproc(home, "check", "--offline", "--json")
    assert check.code == 0, check.all
    assert json.loads(check.out)["store_problems"] == []


def _signed_with_context(context_url: str, suite: str, tmp_path: Path) -> dict[str, Any]:
    """A properly signed badge whose @context includes ``context_url``.

    Signing needs the context, so it is served to the signer from a private context directory
    that the CLI under test does not know about.
    """
    key = SigningKey.generate("Ed25519")
    document = badge(key, 42)
    document.pop("proof")
    document["@context"].append(context_url)
    private = tmp_path / "signer-contexts"
    private.mkdir(exist_ok=True)
    (private / "extra.jsonld").write_text(
        json.dumps({"@context": {"@vocab": "https://recorder.example/vocab#"}})
    )
    (private / "index.json").write_text(json.dumps({context_url: {"file": "extra.jsonld"}}))
    loader = DocumentLoader(context_dirs=[CONTEXTS, private], offline=True)
    return sign_document(document, suite=suite, key=key, created=ISSUED, loader=loader)


class TestUnknownContexts:
    @pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
    def test_unknown_loopback_context_is_never_requested(
        self, suite: str, server: RecordingServer, home: Path, tmp_path: Path
    ) -> None:
        """An unknown @context on 127.0.0.1 is not fetched, even online with loopback allowed."""
        path = tmp_path / "badge.json"
        path.write_text(json.dumps(_signed_with_context(server.url("ctx.jsonld"), suite, tmp_path)))
        runs = [
            inproc(home, "import", str(path), env=LOOPBACK_ALLOWED),
            inproc(tmp_path / "no-wallet", "verify", str(path), env=LOOPBACK_ALLOWED),
            inproc(home, "verify", str(path), env=LOOPBACK_ALLOWED),
            inproc(home, "verify", "--all", env=LOOPBACK_ALLOWED),
            inproc(home, "check", env=LOOPBACK_ALLOWED),
        ]
        for ran in runs:
            assert_no_crash(ran)
        assert server.connections == []
        if suite == "eddsa-rdfc-2022":
            # The proof cannot be checked without the context: never "valid", and it says why.
            assert runs[1].code in (3, 4), runs[1].all
            assert "unknown context" in " ".join(runs[1].out.split())
        assert count(home) in (HELD, HELD + 1)

    def test_the_recorder_sees_a_fetch_that_is_allowed(
        self, server: RecordingServer, tmp_path: Path
    ) -> None:
        """Control: a hosted badge on 127.0.0.1 with loopback allowed is fetched and recorded."""
        path = tmp_path / "hosted.json"
        path.write_text(json.dumps(_hosted(server.url("assertion.json"), server)))
        ran = inproc(tmp_path / "no-wallet", "verify", str(path), env=LOOPBACK_ALLOWED)
        assert_no_crash(ran)
        assert "/assertion.json" in server.paths


def _hosted(assertion_url: str, server: RecordingServer) -> dict[str, Any]:
    """The OB 2.0 spec's hosted assertion, moved to ``assertion_url``; every other URL in it
    points at the recording server, so no test ever touches a real host."""
    path = EXTERNAL / "1edtech-ob2-spec-examples" / "assertion-hosted.json"
    if not path.is_file():
        pytest.skip("OB 2.0 spec examples not found")
    assertion: dict[str, Any] = copy.deepcopy(json.loads(path.read_text("utf-8")))
    assertion.pop("expires", None)
    assertion["id"] = assertion_url
    assertion["badge"] = server.url("badge.json", scheme="https")
    assertion["image"] = server.url("image.png", scheme="https")
    assertion["evidence"] = server.url("evidence.html", scheme="https")
    return assertion


HOSTILE_HOSTED = {
    "file": "file:///etc/passwd",
    "private-http": "http://10.0.0.1/assertion.json",
    "private-https": "https://10.0.0.1/assertion.json",
    "metadata-http": "http://169.254.169.254/latest/meta-data/",
    "metadata-https": "https://169.254.169.254/latest/meta-data/",
    "loopback-http": "LOCAL-http",
    "loopback-https": "LOCAL-https",
    "localhost-name": "LOCAL-localhost",
    "ipv6-loopback": "https://[::1]/assertion.json",
    "unspecified": "https://0.0.0.0/assertion.json",
}


class TestHostedBadgeUrls:
    @pytest.mark.parametrize("case", sorted(HOSTILE_HOSTED))
    def test_hostile_hosted_url_is_never_fetched(
        self, case: str, server: RecordingServer, home: Path, tmp_path: Path
    ) -> None:
        """A hosted badge at a file:, private, metadata or loopback URL is never fetched.

        Such a badge cannot be checked, so it is never valid: either refused outright (a URL
        that can never be a hosted badge, such as file:) or kept as indeterminate."""
        url = HOSTILE_HOSTED[case]
        if url == "LOCAL-localhost":
            url = f"https://localhost:{server.port}/assertion.json"
        elif url.startswith("LOCAL-"):
            url = server.url("assertion.json", scheme=url.removeprefix("LOCAL-"))
        path = tmp_path / "hosted.json"
        path.write_text(json.dumps(_hosted(url, server)))
        before = set(wallet_ids(home))
        imported = inproc(home, "import", str(path))
        assert_no_crash(imported)
        if imported.code == 0:
            assert re.search(r"^\s*imported .*\[not fully verified\]$", imported.err, re.M), (
                imported.err
            )
        else:
            outcome = assert_import_failed(imported, code=3)
            assert re.search(r"refused: [\w-]+: .+ not fetched: \S", outcome), outcome
        for where in (tmp_path / "no-wallet", home):
            ran = inproc(where, "verify", str(path))
            assert_no_crash(ran)
            assert ran.code in (3, 4), ran.all
            report = " ".join(ran.out.split())
            # The one-line detail says which URL was not fetched and why.
            assert re.search(
                r"(fail|unknown) proof hosted assertion (id )?'?\S+'? (is|was) not fetched: \S"
                r"|unknown proof hosted assertion \S+ unavailable: refused to fetch \S+: \S",
                report,
            ), report
            assert ran.err.strip() == ""
        explained = inproc(home, "explain", str(path))
        assert_no_crash(explained)
        assert "root:" not in explained.all  # /etc/passwd was not read
        assert server.connections == []
        assert before <= set(wallet_ids(home))
        check = inproc(home, "check", "--offline", "--json")
        assert_no_crash(check)
        assert json.loads(check.out)["store_problems"] == []


class TestUrlArguments:
    @pytest.mark.parametrize(
        "url",
        [
            "LOCAL-http",
            "LOCAL-https",
            "https://10.0.0.1/badge.json",
            "https://169.254.169.254/latest/meta-data/",
            "http://169.254.169.254/latest/meta-data/",
            "file:///etc/passwd",
        ],
    )
    def test_import_and_verify_refuse_a_private_url(
        self, url: str, server: RecordingServer, home: Path, tmp_path: Path
    ) -> None:
        """`import URL` and `verify URL` refuse loopback, private and file: URLs unfetched."""
        if url.startswith("LOCAL-"):
            url = server.url("badge.json", scheme=url.removeprefix("LOCAL-"))
        imported = inproc(home, "import", url)
        # A refused fetch is FetchError (exit 4); file: is not a URL scheme import reads, so it
        # is taken as a path that does not exist (exit 7).
        outcome = assert_import_failed(imported, code=7 if url.startswith("file:") else 4)
        assert re.search(r"refused to fetch|no such file", outcome), outcome
        verified = inproc(tmp_path / "no-wallet", "verify", url)
        assert_no_crash(verified)
        # Never "invalid": nothing about a credential was learnt from a refused fetch.
        assert verified.code == (7 if url.startswith("file:") else 4), verified.all
        assert "root:" not in imported.all + verified.all
        assert server.connections == []
        assert_intact(home)
