"""Every share command takes a credential that has no id (a VC-JWT 1.1 without `jti`/`vc.id`).

The id is optional in VC 1.1 and 2.0; a credential without one must be shared like any
other, through the CLI as a user runs it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from share_helpers import JWT_VC1, offline_cli

from support import EXTERNAL

pypdf = pytest.importorskip("pypdf", reason="pypdf (dev extra) reads the PDF text back")


@pytest.fixture
def wallet(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A wallet holding only the id-less VC-JWT 1.1; returns (invoke, its wallet id)."""
    home = tmp_path / "wallet"

    invoke = offline_cli(home)

    assert invoke("init").exit_code == 0
    imported = invoke("import", str(EXTERNAL / JWT_VC1))
    assert imported.exit_code in (0, 4), imported.output
    (record,) = json.loads(invoke("--json", "show").stdout)["credentials"]
    assert record["credential_id"] is None
    return invoke, record["id"]


def test_share_pdf_renders_a_page_for_it(wallet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    invoke, _wallet_id = wallet
    target = tmp_path / "p.pdf"
    result = invoke("share", "pdf", "-o", str(target))
    assert result.exit_code == 0, result.output
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(target.read_bytes())).pages]
    assert len(pages) == 2
    assert "did:example:foo" in pages[1]
    assert "CREDENTIAL ID" not in pages[1]


def test_share_bundle_holds_it_and_verifies(wallet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    invoke, wallet_id = wallet
    target = tmp_path / "b.zip"
    result = invoke("share", "bundle", wallet_id, "-o", str(target))
    assert result.exit_code == 0, result.output
    checked = invoke("verify", str(target))
    # Not fully verified (did:example cannot be resolved): exit 4, the same as the credential.
    assert checked.exit_code == 4, checked.output
    assert "did:example:foo" in checked.output


@pytest.mark.parametrize("fmt", ["linkedin", "jsonresume", "markdown", "html", "ler-rs"])
def test_share_resume_lists_it(wallet, fmt: str) -> None:  # type: ignore[no-untyped-def]
    invoke, _wallet_id = wallet
    result = invoke("share", "resume", "--include-invalid", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "(unnamed credential)" in result.stdout or "did:example:foo" in result.stdout


def test_share_qr_writes_its_code(wallet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    invoke, wallet_id = wallet
    target = tmp_path / "q.png"
    result = invoke("share", "qr", wallet_id, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"\x89PNG")
