"""`credwallet remove`: gone from the store, its sealed bytes from the files, and from
pathways' progress."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from migrate_support import Run, badge, shown

from credwallet.verify.keys import SigningKey

PATHWAY = """
id = "two-badges"
name = "Two badges"

[goal]
require = "all"
of = ["one", "two"]

[components.one]
match = [{ achievement = "https://issuer.example/achievements/1" }]

[components.two]
match = [{ achievement = "https://issuer.example/achievements/2" }]
"""


def _import_two(run: Run, tmp_path: Path) -> dict[str, str]:
    key = SigningKey.generate("Ed25519")
    for index in (1, 2):
        path = tmp_path / f"badge-{index}.json"
        path.write_text(json.dumps(badge(key, index)))
        assert run("import", "--offline", str(path)).exit_code == 0
    return {item["name"]: item["id"] for item in shown(run)}


def test_remove_takes_it_out_everywhere(wallet: Run, home: Path, tmp_path: Path) -> None:
    ids = _import_two(wallet, tmp_path)
    pathway = tmp_path / "p.toml"
    pathway.write_text(PATHWAY)
    assert wallet("pathway", "add", str(pathway)).exit_code == 0
    before = json.loads(wallet("pathway", "show", "two-badges", "--json").stdout)
    target = ids["Test badge 1"]
    with sqlite3.connect(home / "wallet.db") as conn:
        (sealed,) = conn.execute(
            "SELECT ct FROM records WHERE id = ?", (bytes.fromhex(target),)
        ).fetchone()
    result = wallet("remove", target[:10], "--yes")
    assert result.exit_code == 0, result.output
    assert "removed" in result.output
    assert [item["name"] for item in shown(wallet)] == ["Test badge 2"]
    after = json.loads(wallet("pathway", "show", "two-badges", "--json").stdout)
    assert target in json.dumps(before) and target not in json.dumps(after)
    for file in home.iterdir():
        if file.is_file():
            assert sealed[:32] not in file.read_bytes(), file.name
    assert wallet("show", target).exit_code == 6


def test_remove_without_yes_off_a_terminal_refuses(wallet: Run, tmp_path: Path) -> None:
    ids = _import_two(wallet, tmp_path)
    result = wallet("remove", ids["Test badge 2"])
    assert result.exit_code == 2 and "--yes" in result.output
    assert len(shown(wallet)) == 2


def test_remove_unknown_id_is_not_found(wallet: Run) -> None:
    assert wallet("remove", "abcdef", "--yes").exit_code == 6
