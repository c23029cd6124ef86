"""Edits of one record by several real processes at once: none is lost (issue 16)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import BOOTSTRAP, HANG_LIMIT, PASSPHRASE, copy_wallet, inproc, make_template_wallet

PATHWAY = """
id = "steps"
name = "Six manual steps"
[goal]
require = "all"
of = ["s0", "s1", "s2", "s3", "s4", "s5"]
[components.s0]
manual = true
[components.s1]
manual = true
[components.s2]
manual = true
[components.s3]
manual = true
[components.s4]
manual = true
[components.s5]
manual = true
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template_wallet(tmp_path_factory.mktemp("lost-updates"), 1)


@pytest.fixture
def home(template: Path, tmp_path: Path) -> Path:
    return copy_wallet(template, tmp_path / "wallet")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CREDWALLET_SESSION"}
    env["CREDWALLET_PASSPHRASE"] = PASSPHRASE
    return env


def _parallel(home: Path, commands: list[list[str]]) -> None:
    """Start every command at once as a real process; each must succeed within the limit."""
    procs = [
        subprocess.Popen(
            [sys.executable, str(BOOTSTRAP), "--home", str(home), *args],
            env=_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in commands
    ]
    for proc, args in zip(procs, commands, strict=True):
        try:
            _, err = proc.communicate(timeout=HANG_LIMIT)
        except subprocess.TimeoutExpired:
            for other in procs:
                other.kill()
            raise AssertionError(f"credwallet {args} hung") from None
        assert proc.returncode == 0, (args, err)


def _credential(home: Path) -> dict[str, object]:
    ran = inproc(home, "show", "--json")
    assert ran.code == 0, ran.err
    (item,) = json.loads(ran.out)["credentials"]
    return dict(item)


class TestParallelWriters:
    def test_six_parallel_tag_processes_keep_every_tag(self, home: Path) -> None:
        """Six `tag` processes on one credential at once: all six tags are stored."""
        wallet_id = str(_credential(home)["id"])
        _parallel(home, [["tag", wallet_id, f"tag-{n}"] for n in range(6)])
        assert sorted(_credential(home)["tags"]) == [f"tag-{n}" for n in range(6)]  # type: ignore[call-overload]

    def test_parallel_untag_and_tag_both_apply(self, home: Path) -> None:
        """Removing some tags while others are added: the result is both edits."""
        wallet_id = str(_credential(home)["id"])
        assert inproc(home, "tag", wallet_id, "a", "b", "c").code == 0
        _parallel(
            home, [["untag", wallet_id, "a"], ["untag", wallet_id, "b"], ["tag", wallet_id, "d"]]
        )
        assert sorted(_credential(home)["tags"]) == ["c", "d"]  # type: ignore[call-overload]

    def test_six_parallel_ticks_keep_every_tick(self, home: Path, tmp_path: Path) -> None:
        """Six `pathway tick` processes on one pathway at once: every step stays ticked."""
        source = tmp_path / "steps.toml"
        source.write_text(PATHWAY, "utf-8")
        assert inproc(home, "pathway", "add", str(source)).code == 0
        _parallel(home, [["pathway", "tick", "steps", f"s{n}"] for n in range(6)])
        ran = inproc(home, "pathway", "show", "steps", "--json")
        assert ran.code == 0, ran.err
        (goal,) = json.loads(ran.out)["components"]
        assert {c["key"]: c["ticked"] for c in goal["children"]} == {
            f"s{n}": True for n in range(6)
        }


class TestReverifyKeepsEdits:
    def test_tags_added_while_check_runs_are_kept(
        self, home: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A `tag` process that finishes while `check` verifies does not lose its tag."""
        from credwallet.wallet import core

        wallet_id = str(_credential(home)["id"])
        original = core.Wallet.verify_credential
        ran_during: list[int] = []

        def verify_then_tag(self: core.Wallet, *args: object, **kwargs: object) -> object:
            report = original(self, *args, **kwargs)  # type: ignore[arg-type]
            # Another process tags the credential after `check` read it, before it writes.
            done = subprocess.run(
                [sys.executable, str(BOOTSTRAP), "--home", str(home), "tag", wallet_id, "late"],
                env=_env(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=HANG_LIMIT,
            )
            ran_during.append(done.returncode)
            return report

        monkeypatch.setattr(core.Wallet, "verify_credential", verify_then_tag)
        checked = inproc(home, "check", "--offline", "--json")
        assert ran_during == [0]
        assert checked.code in (0, 4), checked.all
        monkeypatch.setattr(core.Wallet, "verify_credential", original)
        item = _credential(home)
        assert item["tags"] == ["late"]
