"""VP1 QR codes: choice, captions, images read back by zxing-cpp, and every fallback."""

from __future__ import annotations

import copy
import io
import json

import pytest
from PIL import Image
from share_helpers import JWT_VC1, OB2_HOSTED, OB3_DEGREE, OB3_SMALL, VC2_EDDSA, item

from credwallet.errors import BadInput
from credwallet.share import qr, qrvp
from credwallet.share.qrchoice import choose_qr, terminal_qr

zxingcpp = pytest.importorskip("zxingcpp")

VP1_LABEL = "Verifiable presentation (VP1) for Learner Credential Wallet / VerifierPlus"


def scan_png(png: bytes) -> list[str]:
    with Image.open(io.BytesIO(png)) as image:
        return [code.text for code in zxingcpp.read_barcodes(image.convert("L"))]


class TestChoice:
    def test_json_ld_credential_without_link_gets_a_vp1_code(self) -> None:
        """No public link, a JSON-LD VC with a proof: one VP1 code, labelled for the DCC apps."""
        choice = choose_qr(item(OB3_SMALL).credential)
        assert choice.kind == "vp1"
        assert len(choice.texts) == 1 and choice.texts[0].startswith("VP1-B")
        assert VP1_LABEL in choice.caption

    def test_public_link_still_comes_first(self) -> None:
        """A hosted badge keeps its https link: any phone camera opens it."""
        assert choose_qr(item(OB2_HOSTED).credential).kind == "link"

    def test_vc_jwt_gets_cw1_saying_why_not_vp1(self) -> None:
        """The DCC apps do not read VC-JWTs in VP1 codes: CW1, and the caption says why."""
        choice = choose_qr(item(JWT_VC1).credential)
        assert choice.kind == "cw1"
        assert "credwallet-to-credwallet" in choice.caption
        assert "Not a VP1 code" in choice.caption

    def test_too_large_for_one_symbol_falls_back_to_cw1_and_says_so(self) -> None:
        """A 16 KB credential does not fit one VP1 symbol: split CW1 codes, labelled so."""
        choice = choose_qr(item(OB3_DEGREE).credential)
        assert choice.kind == "cw1" and len(choice.texts) > 1
        assert "too large for one VP1 code" in choice.caption

    def test_terminal_never_draws_an_oversized_vp1_code(self) -> None:
        """Terminal output keeps to 80 columns: a VP1 code too big for that becomes CW1 parts."""
        texts, level = terminal_qr(item(OB3_SMALL).credential)
        assert all(
            (qr.symbol_version(t, level) or 99) <= 13 for t in texts
        )  # 17 + 4 * 13 + 8 = 77 columns


class TestImagesReadBack:
    @pytest.mark.parametrize("fixture", [OB3_SMALL, VC2_EDDSA])
    def test_png_scans_and_decodes_to_the_same_credential(self, fixture: str) -> None:
        """The PNG zxing-cpp reads gives the VP1 text; its CBOR-LD is the credential's JSON-LD."""
        credential = item(fixture).credential
        (text,) = choose_qr(credential).texts
        (scanned,) = scan_png(qr.render_png(text, "M"))
        assert scanned == text
        presentation = qrvp.decode_vp1(scanned)
        assert presentation["type"] == "VerifiablePresentation"
        assert qrvp.credentials_in(presentation) == [credential.document]

    def test_import_path_reads_a_vp1_code(self) -> None:
        """`verify`/`import` read VP1 codes too: the credential comes back as JSON."""
        credential = item(OB3_SMALL).credential
        (text,) = choose_qr(credential).texts
        (content,) = qr.scan([qr.render_png(text, "M")])
        assert content.kind == "credential" and content.data is not None
        assert json.loads(content.data) == credential.document


class TestFallbacks:
    def test_unknown_context_is_uncompressed_but_still_vp1(self) -> None:
        """A context the DCC loader is not known to share: uncompressed CBOR-LD (the apps read
        it the same way), round trip unchanged."""
        document = copy.deepcopy(item(OB3_SMALL).credential.document)
        document["@context"] = [*document["@context"], "https://example.org/unknown/v1"]
        document["extra"] = "kept"
        text, compressed = qrvp.encode_vp1(document)
        assert not compressed
        assert qrvp.credentials_in(qrvp.decode_vp1(text)) == [document]

    def test_compressed_is_smaller(self) -> None:
        """The DCC contexts compress the fixture: the text is shorter than uncompressed."""
        document = item(OB3_SMALL).credential.document
        text, compressed = qrvp.encode_vp1(document)
        assert compressed
        loose = copy.deepcopy(document)
        loose["@context"] = [*loose["@context"], "https://example.org/unknown/v1"]
        assert len(text) < len(qrvp.encode_vp1(loose)[0])

    def test_not_eligible_is_refused(self) -> None:
        """An OB 2.0 assertion is not a W3C credential: encode_vp1 refuses it."""
        with pytest.raises(BadInput):
            qrvp.encode_vp1(item(OB2_HOSTED).credential.document)

    @pytest.mark.parametrize("text", ["VP1-R3ECQ", "VP1-B!!!", "VP1-BAAAA", "CW1:00"])
    def test_bad_vp1_text_is_bad_input(self, text: str) -> None:
        """Base45 (not read by the DCC apps), bad base32 or bad CBOR-LD: one BadInput."""
        with pytest.raises(BadInput):
            qrvp.decode_vp1(text)
