"""`share pdf` speed: a portfolio of real OB 3.0 credentials, QR codes included.

Run from the repository root: ``.venv/bin/python benchmarks/share_pdf.py [COUNT]``. Uses the
shared fixtures (``../shared/fixtures/external``). Prints seconds for choosing the QR codes and
for drawing the PDF (cover + one page per credential), and the file size. Most of the drawing
time is building each QR symbol (the pure-Python ``qrcode`` library tries all eight masks).
Measured here (2 shared cores, 8 engineers): 20 credentials, QR choice 0.10 s, PDF 2.4 s, 282 KB.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXTERNAL = (
    Path(os.environ.get("CREDWALLET_SHARED", REPO.parent / "shared")) / "fixtures" / "external"
)
FILES = (
    "dcc-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/"
    "legacyRegistry-noStatus-noExpiry-alignments.json",
    "1edtech-ob3-spec-examples/skill-assertion-case.json",
    "dcc-verifier-core/v2/v2Expired.json",
    "1edtech-ob2-spec-examples/assertion-hosted.json",
)


def main() -> int:
    sys.path.insert(0, str(REPO / "src"))
    from credwallet.formats import parse
    from credwallet.share.items import SharedItem
    from credwallet.share.pdf import render_pdf
    from credwallet.share.qrchoice import choose_qr

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    credentials = [parse((EXTERNAL / name).read_bytes(), name=name) for name in FILES]
    items = [SharedItem(f"w{n}", credentials[n % len(credentials)]) for n in range(count)]
    started = time.perf_counter()
    choices = {i.wallet_id: choose_qr(i.credential) for i in items}
    chosen = time.perf_counter()
    result = render_pdf(
        items,
        holder_did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        holder_name="Zoë Ωmega-Жукова",
        generated_at=datetime.now(UTC),
        qr_choices=choices,
        font_dirs=[],
    )
    drawn = time.perf_counter()
    print(f"{count} credentials: QR choice {chosen - started:.2f} s, "
          f"PDF {drawn - chosen:.2f} s, {len(result.data) / 1024:.0f} KB")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
