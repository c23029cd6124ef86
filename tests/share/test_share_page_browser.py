"""The bundle page as a recruiter sees it in a real browser: name, every state, scannable QRs."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from share_helpers import NOW, OB2_HOSTED, OB3_EXPIRED, OB3_REVOKED, OB3_SKILL, OB3_SMALL, item

from credwallet.models import Check, CheckStatus, VerificationReport
from credwallet.share import qr, qrvp
from credwallet.share.page import PageQr, render_index
from credwallet.share.qrchoice import choose_qr

zxingcpp = pytest.importorskip("zxingcpp")

HOLDER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
NAME = "Zoë Ωmega-Жукова"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if found := shutil.which(name):
            return found
    return None


def with_checks(relative: str, wallet_id: str, *checks: tuple[str, str, str]):  # type: ignore[no-untyped-def]
    report = VerificationReport(
        source="test",
        format="ob3",
        checks=tuple(Check(name=n, status=CheckStatus(s), detail=d) for n, s, d in checks),
        checked_at=NOW,
    )
    return dataclasses.replace(item(relative, wallet_id), report=report)


def every_state():  # type: ignore[no-untyped-def]
    ok = ("format", "pass", "")
    return [
        item(OB3_SMALL, "dense"),  # valid; its QR is a VP1 code for the DCC wallet and verifier
        item(OB2_HOSTED, "link"),  # valid; its QR is the issuer's https page
        item(OB3_EXPIRED, "expired"),
        with_checks(OB3_REVOKED, "revoked", ok, ("revocation", "fail", "revoked by the issuer")),
        with_checks(
            OB3_SKILL, "suspended", ok, ("revocation", "fail", "suspended by the issuer (index 7)")
        ),
        with_checks(OB3_SMALL, "forged", ok, ("proof", "fail", "signature does not verify")),
        with_checks(OB3_SMALL, "partly", ok, ("revocation", "unknown", "offline")),
    ]


def run_chromium(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", *args],
        check=False, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


class TestRecruiterView:
    def test_name_states_and_scannable_qr_codes(self, tmp_path: Path) -> None:
        """Chromium shows the holder's name and each state's label; both QRs scan on screen, and
        the VP1 one decodes to the credential itself."""
        browser = _chromium()
        if browser is None:
            pytest.skip("no chromium binary on PATH (apt-get install chromium to run this test)")
        items = every_state()
        codes = {}
        expected = {}
        for wallet_id in ("dense", "link"):
            shared = next(i for i in items if i.wallet_id == wallet_id)
            choice = choose_qr(shared.credential)
            assert len(choice.texts) == 1
            codes[wallet_id] = PageQr(qr.render_png(choice.texts[0]), choice.caption)
            expected[wallet_id] = choice.texts[0]
        assert expected["link"].startswith("https://")
        assert expected["dense"].startswith("VP1-B")
        index = tmp_path / "index.html"
        page = render_index(
            items, holder_did=HOLDER, generated_at=NOW, qr_codes=codes, holder_name=NAME,
            bundle_name="for-acme.zip",
        )  # fmt: skip
        index.write_text(page, "utf-8")

        dom = run_chromium(browser, tmp_path, "--dump-dom", index.as_uri()).stdout
        assert f"Credentials of {NAME}" in dom
        assert "credwallet verify for-acme.zip" in dom
        for label in (
            "Verified", "Expired", "Revoked", "Suspended", "Forged", "Not fully verified",
        ):  # fmt: skip
            assert f"</span> {label}</p>" in dom, label
        assert "any phone camera opens it" in dom
        assert "Verifiable presentation (VP1) for Learner Credential Wallet / VerifierPlus" in dom

        shot = tmp_path / "shot.png"
        run_chromium(browser, tmp_path, f"--screenshot={shot}", "--window-size=1200,2000",
                     index.as_uri())  # fmt: skip
        assert shot.is_file(), "chromium wrote no screenshot"
        with Image.open(shot) as image:
            found = {code.text for code in zxingcpp.read_barcodes(image.convert("L"))}
        assert expected["link"] in found
        assert expected["dense"] in found
        dense = next(i for i in items if i.wallet_id == "dense")
        assert qrvp.credentials_in(qrvp.decode_vp1(expected["dense"])) == [
            dense.credential.document
        ]
