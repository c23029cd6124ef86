"""`share qr -o -`: codes that fit an 80-column terminal and still scan."""

from __future__ import annotations

import pytest
from PIL import Image
from share_helpers import OB3_DEGREE, ids

from credwallet.share import qr
from support import EXTERNAL

zxingcpp = pytest.importorskip("zxingcpp")

_TOP = {"█": True, "▀": True, "▄": False, " ": False}
_BOTTOM = {"█": True, "▀": False, "▄": True, " ": False}


def scan_terminal(block: list[str]) -> list[str]:
    """Decode half-block lines the way a camera pointed at the screen would."""
    rows: list[list[bool]] = []
    for line in block:
        rows.append([_TOP[ch] for ch in line])
        rows.append([_BOTTOM[ch] for ch in line])
    scale = 6
    image = Image.new("L", (len(rows[0]) * scale, len(rows) * scale), 255)
    for y, row in enumerate(rows):
        for x, ink in enumerate(row):
            # Drawn characters are light (the default is for dark terminals): ink = light.
            if not ink:
                image.paste(0, (x * scale, y * scale, (x + 1) * scale, (y + 1) * scale))
    return [code.text for code in zxingcpp.read_barcodes(image)]


def blocks(stdout: str) -> list[list[str]]:
    found: list[list[str]] = []
    current: list[str] = []
    for line in stdout.splitlines():
        if line and set(line) <= set("█▀▄ "):
            current.append(line)
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


class TestTerminalQr:
    def test_credential_fits_80_columns_and_scans_back(self, run) -> None:  # type: ignore[no-untyped-def]
        """Every line fits 80 columns; the parts scan back to the stored credential."""
        result = run("share", "qr", ids(run)["Text analysis"], "-o", "-")
        assert result.exit_code == 0, result.output
        codes = blocks(result.stdout)
        assert codes
        assert all(len(line) <= 80 for block in codes for line in block)
        texts = [text for block in codes for text in scan_terminal(block)]
        assert len(texts) == len(codes)
        (content,) = qr.decode_texts(texts)
        assert b"Text analysis" in content.data
        assert "CW1 format" in result.output

    def test_too_big_is_one_line_suggesting_png(self, run) -> None:  # type: ignore[no-untyped-def]
        """A credential that needs more than four terminal codes: one line, pointing to PNG."""
        assert run("import", str(EXTERNAL / OB3_DEGREE)).exit_code in (0, 3, 4)
        result = run("share", "qr", ids(run)["1EdTech University Degree"], "--no-link", "-o", "-")
        assert result.exit_code == 7
        message = [line for line in result.output.splitlines() if line.strip()]
        assert len(message) == 1
        assert "80-column terminal" in message[0]
        assert ".png" in message[0]


def test_png_output_says_what_the_code_holds(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`share qr -o FILE.png` says what the code holds and what reads it (here a VP1 code,
    which reads back to the credential)."""
    target = tmp_path / "q.png"
    result = run("share", "qr", ids(run)["Text analysis"], "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "Verifiable presentation (VP1) for Learner Credential Wallet" in result.output
    assert "phone cameras" in result.output
    (content,) = qr.decode_texts(qr.read_qr_images([target.read_bytes()]))
    assert content.data is not None and b"Text analysis" in content.data
