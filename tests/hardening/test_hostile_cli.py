"""Hostile input through `import`, `verify` and `show`: a clean error, the right code, nothing lost.

Each input goes to ``import`` (into a wallet that already holds credentials), to ``verify`` with
no wallet at all and to ``verify`` next to a wallet. Anything that could hang or exhaust memory
(deep nesting, /dev/zero, FIFOs, a 3 GB file, decompression bombs) runs as a real process with a
time limit; the rest runs in-process through Typer's runner.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import hostile
import pytest
from badges import badge
from clirun import (
    assert_import_failed,
    assert_no_crash,
    assert_one_line_error,
    assert_verify_unreadable,
    copy_wallet,
    count,
    inproc,
    make_template_wallet,
    subproc,
    wallet_ids,
)

from credwallet.verify.keys import SigningKey
from support import EXTERNAL

HELD = 3
CANARY = "CANARY-4b1d-never-print-me"  # text of local files that must never be printed
KEY = SigningKey.generate("Ed25519")


def _good_badge() -> bytes:
    return json.dumps(badge(KEY, 77)).encode()


def _fixture(relative: str) -> bytes:
    path = EXTERNAL / relative
    if not path.is_file():
        pytest.skip(f"shared fixture {relative} not found")
    return path.read_bytes()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template_wallet(tmp_path_factory.mktemp("template"), HELD)


@pytest.fixture
def home(template: Path, tmp_path: Path) -> Path:
    """A wallet that already holds HELD valid credentials."""
    return copy_wallet(template, tmp_path / "wallet")


@pytest.fixture
def no_wallet(tmp_path: Path) -> Path:
    """A home with no wallet in it: `verify FILE` must work without one."""
    return tmp_path / "no-wallet"


def assert_intact(home: Path) -> None:
    """The wallet still holds exactly what it held, and its own health check is clean."""
    assert count(home) == HELD
    check = inproc(home, "check", "--offline", "--json")
    assert check.code == 0, check.all
    assert json.loads(check.out)["store_problems"] == []


# --- unreadable files, in-process ------------------------------------------------------------

UNREADABLE: dict[str, tuple[str, Callable[[], bytes], str]] = {
    # name: (file suffix, builder, what the one-line reason must mention)
    "empty": (".json", lambda: b"", r"empty"),
    "truncated-json": (".json", lambda: hostile.truncated(_good_badge()), r"truncated"),
    "truncated-png": (
        ".png",
        lambda: hostile.truncated(_fixture("concentricsky-openbadges-bakery/baked_heart.png")),
        r"PNG|truncated",
    ),
    "truncated-svg": (
        ".svg",
        lambda: hostile.truncated(_fixture("concentricsky-openbadges-bakery/baked_example.svg")),
        r"SVG|XML",
    ),
    "non-utf8-json": (".json", hostile.non_utf8_json, r"UTF-8"),
    "non-utf8-svg": (".svg", lambda: b"<svg>\xff\xfe\xfd</svg>", r"SVG|UTF-8|XML"),
    "huge-number": (".json", hostile.huge_number, r"100000 digits"),
    "nan": (".json", hostile.nan_json, r"NaN"),
    "png-itxt-bomb": (".png", hostile.png_itxt_bomb, r"expands past"),
    "png-length-too-long": (".png", hostile.png_lying_length_long, r"length exceeds"),
    "png-length-too-short": (".png", hostile.png_lying_length_short, r"CRC"),
    "svg-entity-bomb": (".svg", hostile.svg_entity_bomb, r"DTD|entit"),
    "jwt-giant-header": (".jwt", lambda: hostile.jwt_giant_header(KEY), r"header"),
    "jwt-bad-base64": (".jwt", hostile.jwt_bad_base64, r"not a credential|base64"),
    "empty-presentation": (".json", hostile.empty_presentation, r"holds no credentials"),
    "empty-array": (".json", lambda: b"[]", r"holds no credentials"),
}


class TestUnreadableInput:
    @pytest.mark.parametrize("case", sorted(UNREADABLE))
    def test_import_fails_cleanly_and_keeps_the_wallet(
        self, case: str, home: Path, tmp_path: Path
    ) -> None:
        """Each unreadable input fails with one outcome line, exit 7, and the wallet unchanged."""
        suffix, build, reason = UNREADABLE[case]
        path = tmp_path / f"{case}{suffix}"
        path.write_bytes(build())
        outcome = assert_import_failed(inproc(home, "import", str(path)))
        assert re.search(reason, outcome), outcome
        assert_intact(home)

    # `verify` reads an empty presentation as a presentation (its own report), not as bad input.
    @pytest.mark.parametrize("case", sorted(set(UNREADABLE) - {"empty-presentation"}))
    def test_verify_reports_it_unreadable_with_and_without_a_wallet(
        self, case: str, home: Path, no_wallet: Path, tmp_path: Path
    ) -> None:
        """`verify FILE` gives a failed format check and exit 7, wallet or no wallet."""
        suffix, build, reason = UNREADABLE[case]
        path = tmp_path / f"{case}{suffix}"
        path.write_bytes(build())
        held = wallet_ids(home)[0]
        for where, extra in ((no_wallet, ()), (home, (held,))):
            # Next to a wallet, a stored id is verified in the same run: the wallet is opened.
            ran = inproc(where, "verify", str(path), *extra, "--offline")
            report = assert_verify_unreadable(ran)
            assert re.search(reason, report), report
            reports = re.findall(r"^\s+\w+\s+format\s", ran.out, re.MULTILINE)
            assert len(reports) == 1 + len(extra), ran.out
        assert not no_wallet.exists(), "verify created a wallet home"
        assert_intact(home)


# --- inputs that could hang or exhaust memory: real processes with a time limit ---------------


class TestResourceExhaustion:
    def test_deeply_nested_json_is_refused(
        self, home: Path, no_wallet: Path, tmp_path: Path
    ) -> None:
        """JSON nested 200,000 deep is refused by depth, not by a crashed interpreter."""
        path = tmp_path / "deep.json"
        path.write_bytes(hostile.deep_json(200_000))
        outcome = assert_import_failed(subproc(home, "import", str(path)))
        assert "nested deeper" in outcome
        report = assert_verify_unreadable(subproc(no_wallet, "verify", str(path), "--offline"))
        assert "nested deeper" in report
        assert_intact(home)

    def test_three_gigabyte_sparse_file_is_refused_by_size(
        self, home: Path, no_wallet: Path, tmp_path: Path
    ) -> None:
        """A 3 GB file is refused from its size, without being read."""
        path = tmp_path / "huge.json"
        subprocess.run(["truncate", "-s", "3G", str(path)], check=True)
        outcome = assert_import_failed(subproc(home, "import", str(path)))
        assert "limit" in outcome
        report = assert_verify_unreadable(subproc(no_wallet, "verify", str(path), "--offline"))
        assert "limit" in report
        assert_intact(home)

    @pytest.mark.parametrize("device", ["/dev/zero", "fifo"])
    def test_devices_and_fifos_are_not_read(
        self, device: str, home: Path, no_wallet: Path, tmp_path: Path
    ) -> None:
        """/dev/zero and a FIFO with no writer are refused at once (nothing blocks)."""
        path = device
        if device == "fifo":
            path = str(tmp_path / "badge.json")
            os.mkfifo(path)
        outcome = assert_import_failed(subproc(home, "import", path))
        assert "not a regular file" in outcome
        report = assert_verify_unreadable(subproc(no_wallet, "verify", path, "--offline"))
        assert "not a regular file" in report
        assert_intact(home)

    def test_a_folder_with_a_fifo_and_symlinks_is_walked_safely(
        self, home: Path, no_wallet: Path, tmp_path: Path
    ) -> None:
        """In a folder, a FIFO fails without blocking and symlinks are not followed."""
        folder = tmp_path / "folder"
        folder.mkdir()
        os.mkfifo(folder / "a-fifo.json")
        secret = tmp_path / "secret.json"
        secret.write_text(json.dumps({"name": CANARY}))
        (folder / "b-link.json").symlink_to(secret)
        (folder / "c-loop.json").symlink_to(folder / "c-loop.json")
        imported = subproc(home, "import", str(folder))
        assert_no_crash(imported)
        assert imported.code == 7, imported.all
        assert re.search(r"failed\s+\S*a-fifo\.json\s+not a regular file", imported.err)
        assert "b-link" not in imported.err and "c-loop" not in imported.err
        verified = subproc(no_wallet, "verify", str(folder), "--offline")
        assert_no_crash(verified)
        for ran in (imported, verified):
            assert CANARY not in ran.all
        assert_intact(home)

    def test_endless_standard_input_is_cut_at_the_limit(self, home: Path, no_wallet: Path) -> None:
        """`import -` and `verify -` reading /dev/zero stop at the size limit."""
        with open("/dev/zero", "rb") as zero:
            outcome = assert_import_failed(subproc(home, "import", "-", stdin=zero.fileno()))
        assert "limit" in outcome
        with open("/dev/zero", "rb") as zero:
            ran = subproc(no_wallet, "verify", "-", "--offline", stdin=zero.fileno())
        assert "limit" in assert_verify_unreadable(ran)
        assert_intact(home)


# --- XML: external entities and entity bombs ---------------------------------------------------


class TestXmlEntities:
    def test_external_entity_never_reads_the_local_file(
        self, home: Path, no_wallet: Path, tmp_path: Path
    ) -> None:
        """An SVG naming a local file as an entity is refused; the file's text appears nowhere."""
        secret = tmp_path / "secret.txt"
        secret.write_text(CANARY)
        path = tmp_path / "xxe.svg"
        path.write_bytes(hostile.svg_external_entity(secret))
        runs = [
            inproc(home, "import", str(path)),
            inproc(home, "import", str(path), "--allow-invalid", "--json"),
            inproc(no_wallet, "verify", str(path), "--offline"),
            inproc(no_wallet, "explain", str(path), "--offline"),
            inproc(home, "verify", str(path), "--offline", "--json"),
            inproc(home, "show"),
            inproc(home, "show", "--json"),
        ]
        assert_import_failed(runs[0])
        assert "DTD" in runs[0].err
        assert_verify_unreadable(runs[2])
        for ran in runs:
            assert_no_crash(ran)
            assert CANARY not in ran.all
        assert_intact(home)


# --- bundles: zip files given to verify -------------------------------------------------------

BUNDLES: dict[str, tuple[Callable[[], bytes], str]] = {
    "dot-dot": (lambda: hostile.zip_with_name("../../evil.json"), r"points outside"),
    "dot-dot-inside": (lambda: hostile.zip_with_name("a/../../evil.json"), r"points outside"),
    "absolute": (lambda: hostile.zip_with_name("/etc/cron.d/evil.json"), r"absolute path"),
    "drive": (lambda: hostile.zip_with_name("C:/evil.json"), r"absolute path"),
    "symlink": (hostile.zip_with_symlink, r"symbolic link"),
    "twenty-thousand-entries": (lambda: hostile.zip_many_entries(20_000), r"more than \d+ entries"),
    "bomb-lying-size": (lambda: hostile.zip_bomb(4 * 1024 * hostile.MEGABYTE), r"damaged|expands"),
    "bomb-honest-size": (
        lambda: hostile.zip_bomb(3 * 1024 * hostile.MEGABYTE, claimed=3 * 1024 * hostile.MEGABYTE),
        r"is over \d+ bytes",
    ),
    "bomb-high-ratio": (
        lambda: hostile.zip_bomb(30 * hostile.MEGABYTE, claimed=30 * hostile.MEGABYTE),
        r"zip bomb",
    ),
}


class TestHostileBundles:
    @pytest.mark.parametrize("case", sorted(BUNDLES))
    def test_verify_refuses_the_bundle(
        self, case: str, home: Path, no_wallet: Path, tmp_path: Path
    ) -> None:
        """`verify bundle.zip` refuses the unsafe zip with exit 7 and writes nothing anywhere."""
        build, reason = BUNDLES[case]
        path = tmp_path / "in" / f"{case}.zip"
        path.parent.mkdir()
        path.write_bytes(build())
        held = wallet_ids(home)[0]
        for where, extra in ((no_wallet, ()), (home, (held,))):
            ran = inproc(where, "verify", str(path), *extra, "--offline")
            assert re.search(reason, assert_verify_unreadable(ran)), ran.out
        assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
        assert not (tmp_path / "evil.json").exists()
        assert not no_wallet.exists()
        outcome = assert_import_failed(inproc(home, "import", str(path)))
        assert "zip" in outcome
        assert_intact(home)


# --- forged JWTs -------------------------------------------------------------------------------


def _rsa_jwt_as_hmac(secret_from: Callable[[dict[str, str]], bytes]) -> bytes:
    """The OB 3.0 RS256 example re-signed HS256 with (a form of) its own public key."""
    token = _fixture("1edtech-ob3-spec-examples/sample-openbadgecredential.jwt").decode().strip()
    header_b64, payload_b64, _ = token.split(".")
    header = json.loads(base64.urlsafe_b64decode(header_b64 + "=" * (-len(header_b64) % 4)))
    header["alg"] = "HS256"
    new_header = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    signing_input = f"{new_header}.{payload_b64}".encode()
    mac = hmac.new(secret_from(header["jwk"]), signing_input, hashlib.sha256).digest()
    signature = base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    return f"{new_header}.{payload_b64}.{signature}".encode()


FORGED: dict[str, Callable[[], bytes]] = {
    "alg-none": lambda: hostile.jwt_alg_none(KEY),
    "hs256-did-as-secret": lambda: hostile.jwt_hmac_with_public_key(KEY, KEY.did),
    "hs256-multibase-as-secret": lambda: hostile.jwt_hmac_with_public_key(KEY, KEY.multibase),
    "hs256-jwk-as-secret": lambda: hostile.jwt_hmac_with_public_key(KEY, json.dumps(KEY.jwk)),
    "rsa-example-hs256-jwk-json": lambda: _rsa_jwt_as_hmac(
        lambda jwk: json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()
    ),
    "rsa-example-hs256-modulus": lambda: _rsa_jwt_as_hmac(
        lambda jwk: base64.urlsafe_b64decode(jwk["n"] + "==")
    ),
}


class TestForgedJwts:
    @pytest.mark.parametrize("case", sorted(FORGED))
    def test_forged_token_is_refused_as_invalid(
        self, case: str, home: Path, no_wallet: Path, tmp_path: Path
    ) -> None:
        """alg none and HMAC-with-the-public-key are invalid (exit 3), never imported."""
        path = tmp_path / f"{case}.jwt"
        path.write_bytes(FORGED[case]())
        ran = inproc(home, "import", str(path))
        outcome = assert_import_failed(ran, code=3)
        assert outcome.lstrip().startswith("refused") and re.search(r"none|HS256|HMAC", outcome)
        for where in (no_wallet, home):
            verified = inproc(where, "verify", str(path), "--offline")
            assert_no_crash(verified)
            assert verified.code == 3, verified.all
            assert re.search(r"^\s+fail\s+proof\s+.*(none|HS256)", verified.out, re.MULTILINE)
        assert_intact(home)


# --- show, verify and import print hostile names harmlessly ------------------------------------

TERMINAL_CONTROLS = ("\x1b", "\x07", "\u202e", "\u009b", "\u2066")


class TestTerminalEscapes:
    def test_names_with_escapes_and_bidi_overrides_print_harmlessly(
        self, home: Path, tmp_path: Path
    ) -> None:
        """No ESC, BEL, C1 CSI or bidi override reaches the terminal from a credential's text."""
        path = tmp_path / "escapes.json"
        path.write_text(json.dumps(hostile.escape_badge(KEY, 666)))
        imported = inproc(home, "import", str(path))
        assert imported.code == 0, imported.all
        wallet_id = re.search(r"-> ([0-9a-f]{8}) ", imported.err)
        assert wallet_id is not None, imported.err
        short = wallet_id.group(1)
        runs = [
            imported,
            inproc(home, "import", str(path)),  # the duplicate line names it too
            inproc(home, "show"),
            inproc(home, "show", short),
            inproc(home, "show", "--json"),
            inproc(home, "show", short, "--json"),
            inproc(home, "verify", short, "--offline"),
            inproc(home, "verify", short, "--offline", "--json"),
            inproc(home, "explain", short, "--offline"),
            inproc(home, "verify", str(path), "--offline"),
        ]
        for ran in runs:
            assert_no_crash(ran)
            found = [c for c in TERMINAL_CONTROLS if c in ran.all]
            assert not found, (found, ran.all)
        assert "\\u001b" in runs[3].out  # shown visibly, not acted on
        # JSON output keeps the exact text (escaped in the JSON, not lost).
        assert any(hostile.TERMINAL_ATTACK in text for text in _strings(json.loads(runs[5].out)))
        assert count(home) == HELD + 1

    def test_hostile_arguments_are_echoed_harmlessly(self, home: Path) -> None:
        """An id or path argument full of escapes comes back visible in the error, not acted on."""
        argument = f"ab{hostile.TERMINAL_ATTACK}"
        shown = inproc(home, "show", argument)
        assert_one_line_error(shown, code=6)
        verified = inproc(home, "verify", argument, "--offline")
        assert_no_crash(verified)
        assert verified.code == 7, verified.all
        tagged = inproc(home, "tag", argument, "x")
        assert_one_line_error(tagged, code=6)
        for ran in (shown, verified, tagged):
            found = [c for c in TERMINAL_CONTROLS if c in ran.all]
            assert not found, (found, ran.all)
        assert_intact(home)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


class TestStoredForgery:
    def test_forged_token_kept_with_allow_invalid_stays_invalid(
        self, home: Path, tmp_path: Path
    ) -> None:
        """An alg-none token kept with --allow-invalid verifies as invalid by its wallet id."""
        path = tmp_path / "none.jwt"
        path.write_bytes(hostile.jwt_alg_none(KEY))
        kept = inproc(home, "import", str(path), "--allow-invalid")
        assert kept.code == 0, kept.all
        match = re.search(r"-> ([0-9a-f]{8}) .*\[forged\]", kept.err)
        assert match is not None, kept.err
        ran = inproc(home, "verify", match.group(1), "--offline")
        assert_no_crash(ran)
        assert ran.code == 3, ran.all
        assert re.search(r"fail\s+proof\s+alg 'none' is refused", ran.out)
        every = inproc(home, "verify", "--all", "--offline")
        assert_no_crash(every)
        assert every.code == 3, every.all
        assert count(home) == HELD + 1


# --- poisoned RDFC graphs ----------------------------------------------------------------------


def _poisoned_rdfc_credential(nodes: int) -> bytes:
    """A real eddsa-rdfc-2022 credential with a clique of look-alike blank nodes added.

    Every node links to every other, so canonicalisation must try permutations: without a
    work limit this takes longer than the age of the universe.
    """
    document = json.loads(_fixture("1edtech-ob3-ldp-vector/credential-signed.json"))
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    clique = [
        {
            "@id": f"_:n{i}",
            "https://poison.example/link": [{"@id": f"_:n{j}"} for j in range(nodes) if j != i],
        }
        for i in range(nodes)
    ]
    document["credentialSubject"]["https://poison.example/clique"] = clique
    return json.dumps(document).encode()


class TestPoisonedRdfc:
    def test_poisoned_graph_hits_the_work_limit(
        self, home: Path, no_wallet: Path, tmp_path: Path
    ) -> None:
        """A blank-node clique stops at the RDFC work limit: a failed proof, exit 3, no hang."""
        path = tmp_path / "poisoned.json"
        path.write_bytes(_poisoned_rdfc_credential(12))
        outcome = assert_import_failed(subproc(home, "import", str(path), "--offline"), code=3)
        assert "work limit" in outcome
        for where in (no_wallet, home):
            ran = subproc(where, "verify", str(path), "--offline")
            assert_no_crash(ran)
            assert ran.code == 3, ran.all
            assert "RDFC work limit exceeded" in " ".join(ran.out.split())
        assert_intact(home)
