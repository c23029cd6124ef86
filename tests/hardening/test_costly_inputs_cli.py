"""Issue 16, costly inputs: each hostile input finishes in seconds with bounded memory.

Every test goes through the CLI (in-process through Typer's runner, or as a real process where a
read could block) and bounds its own run time; nothing here sleeps.
"""

from __future__ import annotations

import json
import os
import time
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import hostile
import pytest
from badges import badge
from clirun import (
    assert_import_failed,
    assert_no_crash,
    assert_one_line_error,
    copy_wallet,
    count,
    inproc,
    make_template_wallet,
    subproc,
)

from credwallet.formats import bake
from credwallet.models import ReportStatus
from credwallet.pathways.model import HeldCredential
from credwallet.verify.keys import SigningKey

HELD = 1
KEY = SigningKey.generate("Ed25519")
# Seconds any one hostile input may take (each finishes well under one; CI machines are slow).
BOUND = 15.0


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template_wallet(tmp_path_factory.mktemp("template"), HELD)


@pytest.fixture
def home(template: Path, tmp_path: Path) -> Path:
    return copy_wallet(template, tmp_path / "wallet")


class Timer:
    def __enter__(self) -> Timer:
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        self.elapsed = time.monotonic() - self.started
        assert self.elapsed < BOUND, f"took {self.elapsed:.1f} s"


# --- PNG text chunks --------------------------------------------------------------------------

ONE_BOMB = hostile.zlib_bomb(16 * hostile.MEGABYTE)  # 16 KiB that inflate to 16 MiB


def _ztxt(keyword: bytes) -> bytes:
    return hostile.png_chunk(b"zTXt", keyword + b"\0\0" + ONE_BOMB + b"\0\0\0\0")


def _baked_with_comment_bombs(chunks: int) -> bytes:
    baked = bake.bake_png(
        hostile.PNG_SIGNATURE + hostile._ihdr() + hostile._idat_and_end(),
        json.dumps(badge(KEY, 500)),
        keyword="openbadgecredential",
    )
    ihdr_end = len(hostile.PNG_SIGNATURE) + 25
    return baked[:ihdr_end] + _ztxt(b"Comment") * chunks + baked[ihdr_end:]


class TestPngTextChunks:
    def test_chunks_with_other_keywords_are_never_inflated(
        self, home: Path, tmp_path: Path
    ) -> None:
        """200 zTXt comments of 16 MiB each (3 GiB in all) beside the badge cost nothing."""
        path = tmp_path / "badge.png"
        path.write_bytes(_baked_with_comment_bombs(200))
        with Timer():
            ran = inproc(home, "import", str(path))
        assert_no_crash(ran)
        assert ran.code == 0, ran.all
        assert count(home) == HELD + 1

    def test_one_budget_for_all_baked_chunks_of_a_file(self, tmp_path: Path) -> None:
        """Two baked chunks are refused before either is inflated."""
        doubled = _baked_with_comment_bombs(0)
        ihdr_end = len(hostile.PNG_SIGNATURE) + 25
        doubled = doubled[:ihdr_end] + _ztxt(b"openbadges") * 100 + doubled[ihdr_end:]
        path = tmp_path / "doubled.png"
        path.write_bytes(doubled)
        with Timer():
            ran = inproc(tmp_path / "none", "verify", str(path))
        assert_no_crash(ran)
        assert ran.code == 7, ran.all
        assert "101 openbadges text chunks" in " ".join(ran.out.split())


def test_png_budget_is_shared_by_the_chunks_of_a_file() -> None:
    """Chunks that each fit the per-chunk cap still share one budget per file."""
    from credwallet.errors import LimitExceeded
    from credwallet.formats import png

    text = zlib.compress(b"x" * 1000)
    chunk = png.Chunk(b"zTXt", b"openbadges\0\0" + text, 0)
    assert len(list(png.text_chunks([chunk, chunk], ["openbadges"], budget=2000))) == 2
    with pytest.raises(LimitExceeded, match="expands past"):
        list(png.text_chunks([chunk, chunk, chunk], ["openbadges"], budget=2500))


# --- JSON -------------------------------------------------------------------------------------


class TestJsonShape:
    def test_many_deep_arrays_are_checked_in_one_pass(self, home: Path, tmp_path: Path) -> None:
        """7.5 MB of arrays nested 62 deep (within the depth limit) is refused in seconds."""
        unit = b"[" * 62 + b"]" * 62
        path = tmp_path / "deep.json"
        path.write_bytes(b'{"a":[' + b",".join([unit] * (7_500_000 // 125)) + b"]}")
        with Timer():
            ran = inproc(home, "import", str(path))
        assert "arrays and objects" in assert_import_failed(ran)
        assert count(home) == HELD

    @pytest.mark.parametrize(
        ("text", "ok"),
        [
            ("[" * 64 + "]" * 64, True),
            ("[" * 65 + "]" * 65, False),
            ('["' + "[" * 100 + '"]', True),  # brackets inside strings do not nest
            ("[}" + "[" * 100, False),
            ('{"a":' * 64 + "1" + "}" * 64, True),
        ],
    )
    def test_depth_limit_is_exact(self, text: str, ok: bool) -> None:
        """The one-pass depth check agrees with the limit of 64 levels."""
        from credwallet.errors import BadInput, LimitExceeded
        from credwallet.formats.jsonutil import loads_strict

        if ok:
            loads_strict(text)
        else:
            with pytest.raises(BadInput) as caught:
                loads_strict(text)
            assert isinstance(caught.value, LimitExceeded) or "invalid JSON" in str(caught.value)


# --- unbounded reads (real processes: a blocked read would hang, the time limit catches it) ---


def _special(kind: str, tmp_path: Path) -> str:
    if kind == "fifo":
        path = tmp_path / "pipe.toml"
        os.mkfifo(path)
        return str(path)
    return "/dev/zero"


class TestUnboundedReads:
    @pytest.mark.parametrize("kind", ["fifo", "/dev/zero"])
    @pytest.mark.parametrize("command", ["add", "import"])
    def test_pathway_files_must_be_regular(
        self, command: str, kind: str, home: Path, tmp_path: Path
    ) -> None:
        """`pathway add|import` refuse a FIFO with no writer and /dev/zero at once."""
        with Timer():
            ran = subproc(home, "pathway", command, _special(kind, tmp_path))
        assert_one_line_error(ran, 7)
        assert "not a regular file" in ran.err

    def test_a_profile_photo_must_be_a_regular_file(self, home: Path, tmp_path: Path) -> None:
        """`profile set --photo FIFO` is refused instead of waiting for a writer."""
        with Timer():
            ran = subproc(
                home, "profile", "set", "--name", "Ann", "--photo", _special("fifo", tmp_path)
            )
        assert_one_line_error(ran, 7)
        assert "not a regular file" in ran.err

    @pytest.mark.parametrize("kind", ["fifo", "/dev/zero"])
    def test_restore_reads_only_a_regular_file(self, kind: str, tmp_path: Path) -> None:
        """`restore FIFO` and `restore /dev/zero` are refused, not read for ever."""
        with Timer():
            ran = subproc(tmp_path / "new-home", "restore", _special(kind, tmp_path))
        assert_one_line_error(ran, 7)
        assert "not a regular file" in ran.err
        assert not (tmp_path / "new-home").exists() or not any((tmp_path / "new-home").iterdir())


# --- pathways ---------------------------------------------------------------------------------

LEAVES = 199
WIDE_HELD = 10


def _overlapping_pathway() -> str:
    """199 leaves, each filled by an overlapping handful of the 10 held badges (by name)."""
    keys = [f"l{i}" for i in range(LEAVES)]
    lines = ['id = "wide"', 'name = "Wide"', "[goal]", 'require = "all"']
    lines.append("of = [" + ", ".join(f'"{k}"' for k in keys) + "]")
    for i, key in enumerate(keys):
        names = [j for j in range(WIDE_HELD) if j % 7 == i % 7 or (3 * j) % 11 == i % 11]
        tables = ", ".join(f'{{ name = "Test badge {j}" }}' for j in names) or '{ tag = "none" }'
        lines += [f"[components.{key}]", f"match = [{tables}]"]
    return "\n".join(lines) + "\n"


SMALL_PATHWAY = """id = "small"
name = "Small"
[goal]
require = "any"
of = ["one"]
[components.one]
match = { name = "Test badge 3" }
"""


@pytest.fixture(scope="module")
def wide_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wide")
    home = make_template_wallet(folder, WIDE_HELD)
    for name, text in (("wide.toml", _overlapping_pathway()), ("small.toml", SMALL_PATHWAY)):
        (folder / name).write_text(text, "utf-8")
        added = inproc(home, "pathway", "add", str(folder / name))
        assert added.code == 0, added.all
    return home


class TestPathwayBudget:
    def test_show_and_list_stay_fast_and_keep_the_other_pathways(
        self, wide_template: Path, tmp_path: Path
    ) -> None:
        """The wide pathway is "too complex to evaluate"; the small one still shows progress."""
        home = copy_wallet(wide_template, tmp_path / "wallet")
        with Timer():
            listed = inproc(home, "pathway", "list", "--json")
        assert listed.code == 0, listed.all
        by_id = {item["id"]: item for item in json.loads(listed.out)}
        assert "too complex to evaluate" in by_id["wide"]["error"]
        assert by_id["small"]["complete"] is True
        with Timer():
            shown = inproc(home, "show")
        assert shown.code == 0, shown.all
        text = " ".join(shown.out.split())
        assert "too complex to evaluate" in text and "Small" in text
        with Timer():
            single = inproc(home, "pathway", "show", "wide")
        assert single.code == 7 and "too complex to evaluate" in single.err


def test_the_deadline_is_exact_with_an_injected_clock() -> None:
    """The wall-clock bound is a parameter: a clock that jumps past it stops the search."""
    import importlib

    from credwallet.errors import LimitExceeded
    from credwallet.pathways import load_pathway_toml

    evaluate_module = importlib.import_module("credwallet.pathways.evaluate")
    pathway = load_pathway_toml(_overlapping_pathway())
    held = _held_for_names(range(WIDE_HELD))
    ticks = iter(range(1_000_000))
    budget = evaluate_module.SearchBudget(
        max_work=10**12, seconds=3, clock=lambda: float(next(ticks))
    )
    with pytest.raises(LimitExceeded, match="more than 3 seconds"):
        evaluate_module.evaluate(pathway, held, now=_NOW, budget=budget)
    # The first look at the clock starts it, each later look is one second: three looks pass.
    assert next(ticks) == 5


def test_the_work_budget_counts_every_unit() -> None:
    """A tiny work budget stops even a small search; the default one finishes a normal one."""
    import importlib

    from credwallet.errors import LimitExceeded
    from credwallet.pathways import load_pathway_toml

    evaluate_module = importlib.import_module("credwallet.pathways.evaluate")
    pathway = load_pathway_toml(SMALL_PATHWAY.replace('"any"', '"all"'))
    held = _held_for_names([3])
    assert evaluate_module.evaluate(pathway, held, now=_NOW).complete
    with pytest.raises(LimitExceeded, match="units of work"):
        evaluate_module.evaluate(
            pathway, held, now=_NOW, budget=evaluate_module.SearchBudget(max_work=5)
        )


_NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _held_for_names(indexes: Iterable[int]) -> list[HeldCredential]:
    from credwallet.formats import parse

    out = []
    for j in indexes:
        credential = parse(json.dumps(badge(KEY, j)).encode())
        valid = ReportStatus.VALID
        out.append(HeldCredential(wallet_id=f"w{j}", credential=credential, status=valid))
    return out


# --- images -----------------------------------------------------------------------------------


def _qr_pngs(document: dict[str, object], *, part_version: int = 25) -> list[bytes]:
    from credwallet.share import qr

    data = json.dumps(document, separators=(",", ":")).encode()
    texts = qr.encode_credential(data, max_version=part_version, part_version=part_version)
    return [qr.render_png(text, scale=4) for text in texts]


class TestImages:
    def test_one_stray_image_does_not_spoil_the_qr_codes_of_a_folder(
        self, home: Path, tmp_path: Path
    ) -> None:
        """A folder of QR credentials (one split over images) plus a logo and a foreign QR."""
        from credwallet.share import qr

        folder = tmp_path / "scans"
        folder.mkdir()
        (folder / "a-single.png").write_bytes(_qr_pngs(badge(KEY, 601))[0])
        parts = _qr_pngs(badge(KEY, 602), part_version=10)
        assert len(parts) > 1
        for n, image in enumerate(parts):
            (folder / f"b-part-{n}.png").write_bytes(image)
        (folder / "c-logo.png").write_bytes(
            hostile.PNG_SIGNATURE + hostile._ihdr() + hostile._idat_and_end()
        )
        (folder / "d-wifi.png").write_bytes(qr.render_png("WIFI:S:home;T:WPA;P:secret;;"))
        with Timer():
            ran = inproc(home, "import", str(folder))
        assert_no_crash(ran)
        assert ran.code == 0, ran.all
        assert count(home) == HELD + 2
        text = " ".join(ran.err.split())
        assert "c-logo.png" in text and "d-wifi.png" in text and "skipped" in text

    @pytest.mark.parametrize(("width", "height"), [(40_000_000, 1), (1, 40_000_000)])
    def test_a_strip_of_forty_million_pixels_is_refused_before_decoding(
        self, width: int, height: int, tmp_path: Path
    ) -> None:
        """zxing-cpp never sees an image it would refuse with an exception."""
        row = b"\0" + bytes(width)
        pixels = zlib.compress(row * height, 9)
        header = hostile.png_chunk(
            b"IHDR", width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\0\0\0\0"
        )
        image = hostile.PNG_SIGNATURE + header + hostile.png_chunk(b"IDAT", pixels)
        path = tmp_path / "strip.png"
        path.write_bytes(image + hostile.png_chunk(b"IEND", b""))
        with Timer():
            ran = inproc(tmp_path / "none", "verify", str(path))
        assert_no_crash(ran)
        assert ran.code == 7 and "too large to scan" in " ".join(ran.out.split())


# --- readers that used to end in "this is a bug" ----------------------------------------------


def _bundle(manifest: bytes) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.json", manifest)
    return buffer.getvalue()


class TestStrictReaders:
    @pytest.mark.parametrize(
        ("tail", "reason"),
        [
            (b', "size": 1' + b"0" * 5000, "5001 digits"),
            (b', "size": NaN', "NaN"),
            (b', "files": {}', "duplicate key"),
        ],
    )
    def test_bundle_manifest_uses_the_strict_json_reader(
        self, tail: bytes, reason: str, tmp_path: Path
    ) -> None:
        """A 5,000-digit number, NaN or a duplicate key in manifest.json is bad input."""
        manifest = b'{"format": "credwallet-bundle", "version": 2, "files": {}' + tail + b"}"
        path = tmp_path / "bundle.zip"
        path.write_bytes(_bundle(manifest))
        ran = inproc(tmp_path / "none", "verify", str(path))
        assert_no_crash(ran)
        assert ran.code == 7, ran.all
        assert reason in " ".join(ran.all.split())

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ('id = "p"\nx = ' + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
            ('id = "p"\nx = ' + "{a = " * 3000 + "1" + "}" * 3000 + "\n", "nested too deeply"),
            ('id = "p"\nx = 1' + "0" * 5000 + "\n", "not valid TOML"),
        ],
    )
    def test_deep_or_huge_toml_is_bad_input(
        self, text: str, reason: str, home: Path, tmp_path: Path
    ) -> None:
        """`pathway add` of 5,000-deep TOML or a 5,000-digit integer: a one-line error."""
        path = tmp_path / "deep.toml"
        path.write_text(text, "utf-8")
        ran = inproc(home, "pathway", "add", str(path))
        assert_one_line_error(ran, 7)
        assert reason in ran.err

    @pytest.mark.parametrize(
        ("body", "reason"),
        [
            (b'{"@graph": [{"x": 1' + b"0" * 5000 + b"}]}", "5001 digits"),
            (b'{"@graph": [], "@graph": []}', "duplicate key"),
            (b'{"@graph": [' * 5000 + b"]}" * 5000, "nested deeper"),
        ],
    )
    def test_ctdl_graphs_use_the_strict_json_reader(
        self, body: bytes, reason: str, home: Path, tmp_path: Path
    ) -> None:
        """`pathway import` of a hostile CTDL graph: a one-line error, never "a bug"."""
        path = tmp_path / "graph.json"
        path.write_bytes(body)
        ran = inproc(home, "pathway", "import", str(path))
        assert_one_line_error(ran, 7)
        assert reason in ran.err


# --- CTDL graphs and pathway export -----------------------------------------------------------

RLO = "\u202e"


def _ctdl(components: list[dict[str, object]], dest_targets: list[str]) -> bytes:
    dest = {
        "@id": "urn:dest",
        "@type": "ceterms:CredentialComponent",
        "ceterms:name": {"en": "Degree"},
        "ceterms:hasCondition": [
            {
                "@id": "urn:dest-cond",
                "@type": "ceterms:ComponentCondition",
                "ceterms:targetComponent": dest_targets,
            }
        ],
    }
    pathway = {
        "@id": "urn:pw",
        "@type": "ceterms:Pathway",
        "ceterms:ctid": "ce-hostile",
        "ceterms:name": {"en": f"Nursing {RLO}gnp.exe"},
        "ceterms:hasDestinationComponent": ["urn:dest"],
    }
    return json.dumps({"@graph": [pathway, dest, *components]}).encode()


def _course(i: int, **extra: object) -> dict[str, object]:
    return {
        "@id": f"urn:c{i}",
        "@type": "ceterms:CourseComponent",
        "ceterms:name": {"en": f"Course {i}"},
        "ceterms:proxyFor": f"https://courses.example/{i}",
        **extra,
    }


def _condition_on(i: int, target: int) -> dict[str, object]:
    return {
        "ceterms:hasCondition": [
            {
                "@id": f"urn:k{i}",
                "@type": "ceterms:ComponentCondition",
                "ceterms:targetComponent": [f"urn:c{target}"],
            }
        ]
    }


class TestCtdlGraphs:
    def test_a_cycle_is_cut_and_reported(self, home: Path, tmp_path: Path) -> None:
        """c0 needs c1 needs c0: the import succeeds and says what it ignored."""
        components = [
            {**_course(0), **_condition_on(0, 1)},
            {**_course(1), **_condition_on(1, 0)},
        ]
        path = tmp_path / "cycle.json"
        path.write_bytes(_ctdl(components, ["urn:c0"]))
        ran = inproc(home, "pathway", "import", str(path), "--json")
        assert ran.code == 0, ran.all
        assert any("cycle" in line for line in json.loads(ran.out)["not_converted"])

    def test_ten_thousand_parts_are_refused_in_seconds(self, home: Path, tmp_path: Path) -> None:
        """A condition with 10,000 targets is refused whole, with the count in the message."""
        path = tmp_path / "fan.json"
        path.write_bytes(
            _ctdl([_course(i) for i in range(10_000)], [f"urn:c{i}" for i in range(10_000)])
        )
        with Timer():
            ran = inproc(home, "pathway", "import", str(path))
        assert_one_line_error(ran, 7)
        assert "10000 parts" in ran.err

    def test_a_chain_thousands_deep_is_refused_not_recursed(
        self, home: Path, tmp_path: Path
    ) -> None:
        """c0 needs c1 needs ... c2999: a one-line error, not "this is a bug"."""
        components = [{**_course(i), **_condition_on(i, i + 1)} for i in range(2999)]
        components.append(_course(2999))
        for component in components[:-1]:
            component.pop("ceterms:proxyFor")
        path = tmp_path / "chain.json"
        path.write_bytes(_ctdl(components, ["urn:c0"]))
        ran = inproc(home, "pathway", "import", str(path))
        assert_one_line_error(ran, 7)
        assert "nest more than" in ran.err

    def test_export_escapes_bidi_characters_and_keeps_the_data(
        self, home: Path, tmp_path: Path
    ) -> None:
        """The exported TOML writes U+202E as an escape; read back, the name is unchanged."""
        import tomllib

        path = tmp_path / "graph.json"
        path.write_bytes(_ctdl([_course(1)], ["urn:c1"]))
        assert inproc(home, "pathway", "import", str(path)).code == 0
        shown = inproc(home, "pathway", "export", "ce-hostile")
        assert shown.code == 0, shown.all
        assert RLO not in shown.out and "\\u202e" in shown.out
        assert tomllib.loads(shown.out)["name"] == f"Nursing {RLO}gnp.exe"
        target = tmp_path / "out.toml"
        assert inproc(home, "pathway", "export", "ce-hostile", "-o", str(target)).code == 0
        assert tomllib.loads(target.read_text("utf-8"))["name"] == f"Nursing {RLO}gnp.exe"

    def test_a_terminal_never_gets_raw_bidi_characters(self, home: Path, tmp_path: Path) -> None:
        """A TOML file holding U+202E, exported to a terminal (a pty), shows it escaped."""
        import pty
        import subprocess
        import sys

        from clirun import BOOTSTRAP, PASSPHRASE

        path = tmp_path / "p.toml"
        text = f'id = "rlo"\nname = "Evil {RLO}txt.exe"\n[goal]\nmanual = true\n'
        path.write_text(text, "utf-8")
        assert inproc(home, "pathway", "add", str(path)).code == 0
        # Into a file the export stays byte for byte.
        assert inproc(home, "pathway", "export", "rlo").out == text
        master, slave = pty.openpty()
        env = {**os.environ, "CREDWALLET_PASSPHRASE": PASSPHRASE}
        try:
            done = subprocess.run(
                [sys.executable, str(BOOTSTRAP), "--home", str(home), "pathway", "export", "rlo"],
                stdout=slave,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                env=env,
                timeout=60,
            )
        finally:
            os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other end is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(master)
        assert done.returncode == 0, done.stderr
        shown = b"".join(chunks).decode("utf-8")
        assert RLO not in shown and "\\u202e" in shown


@pytest.mark.parametrize(
    "payload",
    [b"[" * 100_000 + b"]" * 100_000, b'{"v": 1' + b"0" * 5000 + b"}", b"\xff", b"null"],
)
def test_stored_record_readers_raise_only_credwallet_errors(payload: bytes) -> None:
    """The readers restore checks backup payloads with never raise anything but our errors."""
    from credwallet.errors import CredwalletError
    from credwallet.wallet.cache import decode_cached
    from credwallet.wallet.pathways import decode_pathway
    from credwallet.wallet.records import CredentialRecord

    for read in (CredentialRecord.from_bytes, decode_cached, lambda p: decode_pathway("r", p)):
        with pytest.raises(CredwalletError):
            read(payload)
