"""Any bytes through the wallet facade's import give an outcome per input, never an exception.

The inputs go through ``Wallet.import_sources`` exactly as the CLI sends them: files on disk,
named one by one or found in a folder. Besides random bytes, real fixtures (JSON credentials,
baked PNG and SVG, JWTs, Blockcerts, presentations) are mutated: bits flipped, bytes cut,
hostile fragments spliced in, so the parsers see input that is almost right.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credwallet.errors import ExitCode
from credwallet.wallet import ImportSummary, Wallet
from support import EXTERNAL, cases

RESULTS = {"imported", "duplicate", "skipped", "refused", "failed"}
CODES = {ExitCode.OK, ExitCode.INVALID, ExitCode.INDETERMINATE, ExitCode.BAD_INPUT}
KINDS = (
    "ob3-vc",
    "vc",
    "vc-jwt",
    "ob3-vc-jwt",
    "ob2-assertion",
    "ob2-jws",
    "baked-png",
    "baked-svg",
    "blockcerts",
    "vp",
    "vp-jwt",
)
FRAGMENTS = [
    b"{",
    b"[",
    b'"',
    b"\\u",
    b"\\ud800",
    b"\xff\xfe",
    b"\x00",
    b"NaN",
    b"1e999999",
    b"-0.0e-0",
    b"9" * 500,
    b"]}",
    b'"@context": "http://127.0.0.1/x"',
    b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>",
    b"&e;",
    b"IEND",
    b"iTXt",
    b"eyJhbGciOiJub25lIn0.",
]


def _fixture_bytes() -> list[bytes]:
    if not EXTERNAL.is_dir():
        return []
    paths = sorted({EXTERNAL / entry["file"] for entry in cases(*KINDS)})
    return [p.read_bytes() for p in paths if p.is_file() and p.stat().st_size < 256 * 1024]


FIXTURES = _fixture_bytes()
_names = itertools.count()


@pytest.fixture(scope="module")
def wallet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Wallet, Path]]:
    """One wallet for every example (module scope: Hypothesis reuses it), holding one badge."""
    from badges import write_badges

    from credwallet.store import kdf

    folder = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kdf, "CREATION_PROFILE", kdf.CHEAPEST)
        opened = Wallet.create(folder / "wallet", "fuzz passphrase")
    seed = opened.import_sources([str(p) for p in write_badges(folder / "seed", 1)], offline=True)
    assert seed.count("imported") == 1
    with opened:
        yield opened, folder


@st.composite
def mutated_fixture(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(FIXTURES)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        operation = draw(st.sampled_from(["flip", "cut", "splice", "truncate", "duplicate"]))
        if operation == "flip" and data:
            data[min(at, len(data) - 1)] ^= 1 << draw(st.integers(0, 7))
        elif operation == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif operation == "splice":
            data[at:at] = draw(st.sampled_from(FRAGMENTS))
        elif operation == "truncate":
            del data[at:]
        else:
            data[at:at] = data[max(0, at - 32) : at]
    return bytes(data)


def _write(folder: Path, data: bytes, suffix: str) -> Path:
    path = folder / f"input-{next(_names)}{suffix}"
    path.write_bytes(data)
    return path


def assert_well_formed(summary: ImportSummary, inputs: int) -> None:
    assert len(summary.outcomes) >= inputs
    for outcome in summary.outcomes:
        assert outcome.result in RESULTS, outcome
        if outcome.result in {"failed", "refused"}:
            assert outcome.message and "\n" not in outcome.message, outcome
    assert summary.exit_code in CODES


def assert_wallet_healthy(wallet: Wallet) -> None:
    assert wallet.store.check() == []
    assert wallet.credentials(), "the seeded credential is still there"


SIGNATURES = [b"\x89PNG\r\n\x1a\n", b"<svg ", b"{", b"[", b"eyJ", b"PK\x03\x04"]
SUFFIXES = st.sampled_from([".json", ".png", ".svg", ".jwt", ".txt", ""])
FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class TestImportNeverRaises:
    @FUZZ
    @given(data=st.binary(max_size=2048), suffix=SUFFIXES)
    def test_random_bytes(self, wallet: tuple[Wallet, Path], data: bytes, suffix: str) -> None:
        """Random bytes in a named file give one outcome and an expected exit code."""
        opened, folder = wallet
        summary = opened.import_sources([str(_write(folder, data, suffix))], offline=True)
        assert_well_formed(summary, 1)
        assert_wallet_healthy(opened)

    @FUZZ
    @given(prefix=st.sampled_from(SIGNATURES), data=st.binary(max_size=1024))
    def test_random_bytes_behind_a_format_signature(
        self, wallet: tuple[Wallet, Path], prefix: bytes, data: bytes
    ) -> None:
        """Random bytes that start like a PNG, SVG, JSON, JWS or zip still give an outcome."""
        opened, folder = wallet
        summary = opened.import_sources([str(_write(folder, prefix + data, ""))], offline=True)
        assert_well_formed(summary, 1)

    @pytest.mark.skipif(not FIXTURES, reason="shared fixtures not found")
    @settings(FUZZ, max_examples=200)
    @given(data=mutated_fixture())
    def test_mutated_real_credentials(self, wallet: tuple[Wallet, Path], data: bytes) -> None:
        """Real credentials with flipped bits, cuts and hostile splices give an outcome."""
        opened, folder = wallet
        summary = opened.import_sources([str(_write(folder, data, ".json"))], offline=True)
        assert_well_formed(summary, 1)
        assert_wallet_healthy(opened)

    @pytest.mark.skipif(not FIXTURES, reason="shared fixtures not found")
    @settings(FUZZ, max_examples=30)
    @given(
        items=st.lists(st.one_of(mutated_fixture(), st.binary(max_size=512)), max_size=6),
        suffix=SUFFIXES,
    )
    def test_a_folder_of_mutated_files(
        self, wallet: tuple[Wallet, Path], items: list[bytes], suffix: str
    ) -> None:
        """A folder of broken files gives one outcome per credential-like file in it."""
        opened, folder = wallet
        target = folder / f"dir-{next(_names)}"
        target.mkdir()
        for data in items:
            _write(target, data, suffix or ".json")
        summary = opened.import_sources([str(target)], offline=True)
        assert_well_formed(summary, len(items))
        for outcome in summary.outcomes:
            # Found in a folder, a file that is no credential is skipped, not an error.
            assert not (outcome.result == "failed" and outcome.message.startswith("not a cred"))
        assert_wallet_healthy(opened)
