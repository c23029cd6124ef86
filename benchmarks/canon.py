"""Canonicalisation speed: JSON-LD -> RDF, RDFC-1.0 and JCS on a real 3 KB OB 3.0 credential.

Run from the repository root: ``/work/venv/bin/python benchmarks/canon.py``. Uses the shared
fixtures (``../shared/fixtures/external``) and their contexts; prints milliseconds per
operation (best of several rounds, warm loader: contexts already processed, as in a batch).
"""

from __future__ import annotations

import json
import os
import sys
import timeit
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXTERNAL = (
    Path(os.environ.get("CREDWALLET_SHARED", REPO.parent / "shared")) / "fixtures" / "external"
)
CREDENTIAL = (
    EXTERNAL
    / "dcc-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey"
    / "oidf-noStatus-notExpired-notYetValid.json"
)


def best_ms(func: object, number: int, repeat: int = 5) -> float:
    """Best per-call time in milliseconds over ``repeat`` rounds of ``number`` calls."""
    times = timeit.repeat(func, number=number, repeat=repeat)  # type: ignore[arg-type]
    return min(times) / number * 1000


def main() -> int:
    os.environ.setdefault("CREDWALLET_CONTEXTS", str(EXTERNAL / "contexts"))
    sys.path.insert(0, str(REPO / "src"))
    from credwallet.verify import jcs, rdfc
    from credwallet.verify.jsonld import DocumentLoader, canonical_document, to_quads, to_rdf

    raw = CREDENTIAL.read_bytes()
    document = json.loads(raw)
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    loader = DocumentLoader()
    canonical_document(unsigned, loader)  # warm: contexts read, checked and processed once
    quads = to_quads(unsigned, loader)
    nquads = to_rdf(unsigned, loader)

    rows = [
        ("to_rdf (JSON-LD -> N-Quads)", best_ms(lambda: to_rdf(unsigned, loader), 50)),
        ("to_quads (JSON-LD -> quads)", best_ms(lambda: to_quads(unsigned, loader), 50)),
        ("RDFC-1.0 of the quads", best_ms(lambda: rdfc.canonicalize_quads(quads), 500)),
        ("RDFC-1.0 of the N-Quads text", best_ms(lambda: rdfc.canonicalize_nquads(nquads), 500)),
        ("canonical_document (both)", best_ms(lambda: canonical_document(unsigned, loader), 50)),
        (
            "canonical_document, new loader",
            best_ms(lambda: canonical_document(unsigned, DocumentLoader()), 5),
        ),
    ]
    try:
        from pyld import jsonld as pyld_jsonld

        options = {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": loader,
        }
        pyld_jsonld.normalize(unsigned, options)
        rows.append(
            (
                "pyld.normalize (reference)",
                best_ms(lambda: pyld_jsonld.normalize(unsigned, options), 20),
            )
        )
    except ImportError:
        pass
    jcs_ms = best_ms(lambda: jcs.canonicalize(document), 2000)

    print(f"credential: {CREDENTIAL.relative_to(EXTERNAL)} ({len(raw)} bytes, {len(quads)} quads)")
    for name, ms in rows:
        print(f"  {name:32s} {ms:8.3f} ms")
    print(f"  {'JCS canonicalize':32s} {jcs_ms:8.3f} ms  ({1000 / jcs_ms:,.0f} per second)")
    warm = dict(rows)["canonical_document (both)"]
    print(f"  => about {1000 / warm:,.0f} RDFC canonical documents per second with a warm loader")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
