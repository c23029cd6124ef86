"""`credwallet demo` shows `receive` against its own issuer, without loosening the network rules."""

from __future__ import annotations

import os

import pytest
from exchange_support import Run
from typer.testing import CliRunner

from credwallet.cli._app import app
from credwallet.exchange.demo_issuer import running_demo_issuer


@pytest.fixture
def no_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CREDWALLET_ALLOW_LOOPBACK", raising=False)


@pytest.mark.usefixtures("no_loopback")
def test_demo_receives_from_its_local_issuer() -> None:
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    assert "credwallet Demo Academy (http://127.0.0.1:" in result.stderr
    assert "1 received, 0 already held, 0 refused, 0 failed" in result.stderr
    assert "Receiving from an issuer (demo)" in result.stderr
    assert "CREDWALLET_ALLOW_LOOPBACK" not in os.environ  # the demo set nothing


@pytest.mark.usefixtures("no_loopback")
def test_the_whole_demo_fits_80_columns() -> None:
    """The newcomer's first command: every line it prints fits an 80-column terminal."""
    result = CliRunner().invoke(app, ["demo"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = [*result.stdout.splitlines(), *result.stderr.splitlines()]
    assert "  from http://127.0.0.1:" in result.stderr  # the issuer, on its own line
    assert [line for line in lines if len(line) > 80] == []


@pytest.mark.usefixtures("no_loopback")
def test_a_users_receive_still_refuses_plain_http_to_loopback(run: Run) -> None:
    with running_demo_issuer() as issuer:
        result = run("receive", issuer.new_offer(), "--yes")
        assert result.exit_code == 4, result.output
        assert "plain http is only used for loopback test servers" in result.stderr
        assert issuer.codes, "the code was never redeemed"
    assert "Traceback" not in result.output


def test_the_demo_issuer_checks_the_key_proof(run: Run) -> None:
    """It is a real issuer for the demo: a proof over another audience is refused."""
    from credwallet.exchange.holder import key_proof
    from credwallet.verify.keys import SigningKey

    with running_demo_issuer() as issuer:
        issuer.nonces.add("n")
        key = SigningKey.generate()
        with pytest.raises(ValueError, match="aud"):
            issuer.holder_of(key_proof(key, audience="https://else.example", nonce="n"))
        with pytest.raises(ValueError, match="nonce"):
            issuer.holder_of(key_proof(key, audience=issuer.base, nonce="unknown"))
        assert issuer.holder_of(key_proof(key, audience=issuer.base, nonce="n")) == key.did_key
