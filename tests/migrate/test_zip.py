"""A zip of badge downloads (Badgr / Canvas Credentials, Credly) imports like a folder of them,
under the same limits as bundles (zip bombs, unsafe names, too many entries)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from migrate_support import Run, badge, sample, shown

from credwallet.verify.keys import SigningKey


def make_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_zip_of_badges_imports_each_and_skips_the_rest(wallet: Run, tmp_path: Path) -> None:
    key = SigningKey.generate("Ed25519")
    archive = make_zip(
        tmp_path / "my-badges.zip",
        {
            "badges/one.json": json.dumps(badge(key, 1)).encode(),
            "badges/two.json": json.dumps(badge(key, 2)).encode(),
            "badges/ob3-baked.png": sample("ob3-baked-simple-json.png").read_bytes(),
            "README.txt": b"My badges, downloaded 2026-11-30.",
            "__MACOSX/badges/._one.json": b"\x00\x05\x16\x07",
        },
    )
    result = wallet("import", "--json", "--offline", str(archive))
    summary = json.loads(result.stdout)
    assert summary["imported"] == 3, result.output
    assert summary["skipped"] == 1  # the README
    [source] = summary["sources"]
    assert source["kind"] == "zip archive" and source["credentials"] == 4
    again = json.loads(wallet("import", "--json", "--offline", str(archive)).stdout)
    assert again["imported"] == 0 and again["duplicates"] == 3
    assert len(shown(wallet)) == 3


def test_zip_bomb_is_refused_and_nothing_stored(wallet: Run, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.json", b"[" + b" " * (40 * 1024 * 1024) + b"]")
    path = tmp_path / "bomb.zip"
    path.write_bytes(buffer.getvalue())
    result = wallet("import", str(path))
    assert result.exit_code == 7
    assert "Traceback" not in result.output
    assert shown(wallet) == []


def test_zip_entry_outside_the_archive_is_refused(wallet: Run, tmp_path: Path) -> None:
    key = SigningKey.generate("Ed25519")
    path = make_zip(tmp_path / "evil.zip", {"../escape.json": json.dumps(badge(key, 9)).encode()})
    result = wallet("import", str(path))
    assert result.exit_code == 7 and "outside" in result.output
    assert shown(wallet) == []
