"""Faults around a wallet that already holds credentials: disk full, bad sessions, rollback.

Real processes (``tests/cheap_cli.py``): the disk-full case needs a resource limit on the child
only, and sessions live in files shared between processes. The rollback cases and the
read-backs run in this process (each run opens the wallet afresh from disk all the same).
"""

from __future__ import annotations

import json
import re
import resource
import shutil
import signal
import time
from pathlib import Path

import pytest
from badges import write_badges
from clirun import (
    PASSPHRASE,
    Ran,
    assert_no_crash,
    assert_one_line_error,
    copy_wallet,
    inproc,
    make_template_wallet,
    subproc,
)

from credwallet.store import Store

HELD = 5


def _ids(home: Path) -> set[str]:
    ran = inproc(home, "show", "--json")
    assert ran.code == 0, ran.all
    return {item["id"] for item in json.loads(ran.out)["credentials"]}


def _check_clean(home: Path) -> None:
    ran = inproc(home, "check", "--offline", "--json")
    assert ran.code == 0, ran.all
    assert json.loads(ran.out)["store_problems"] == []


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template_wallet(tmp_path_factory.mktemp("template"), HELD)


@pytest.fixture
def home(template: Path, tmp_path: Path) -> Path:
    """A wallet that already holds HELD valid credentials."""
    return copy_wallet(template, tmp_path / "wallet")


def _session(home: Path, duration: str) -> str:
    ran = subproc(home, "unlock", "--for", duration)
    assert ran.code == 0, ran.all
    match = re.fullmatch(r"export CREDWALLET_SESSION=(\S+)", ran.out.strip())
    assert match is not None, ran.out
    return match.group(1)


def _with_session(home: Path, token: str, *args: str) -> Ran:
    return subproc(home, *args, passphrase=None, env={"CREDWALLET_SESSION": token})


class TestDiskFull:
    def test_import_on_a_full_disk_fails_cleanly_and_keeps_every_record(
        self, home: Path, tmp_path: Path
    ) -> None:
        """With file writes capped, import exits 1 naming the write failure; nothing is lost."""
        before = _ids(home)
        assert len(before) == HELD
        badges = write_badges(tmp_path / "more", 110, start=1000)[0].parent
        cap = (home / "wallet.db").stat().st_size + 8192

        def limit_file_size() -> None:
            # Ignore SIGXFSZ so that a write past the cap fails with EFBIG instead of killing
            # the process: that is what a full disk looks like to SQLite.
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (cap, cap))

        ran = subproc(home, "import", str(badges), preexec_fn=limit_file_size)
        assert_one_line_error(ran, code=1)
        assert re.search(r"disk full|write failed", ran.err), ran.err
        after = _ids(home)
        assert before <= after
        assert (len(after) - len(before)) % 100 == 0  # only whole import chunks, if any
        _check_clean(home)
        rerun = inproc(home, "import", str(badges))
        assert rerun.code == 0, rerun.all
        assert len(_ids(home)) == HELD + 110


class TestSessions:
    def test_expired_session_is_refused(self, home: Path) -> None:
        """A session used after its time is up fails with exit 5 and says it expired."""
        # Made as if a minute ago, valid for a second: its time is up, with no waiting.
        with Store.open(home, PASSPHRASE) as store:
            token = store.create_session(1, now=time.time() - 60)
        ran = _with_session(home, token, "show")
        assert_one_line_error(ran, code=5)
        assert "expired" in ran.err
        assert PASSPHRASE not in ran.all and token not in ran.all

    def test_session_from_another_wallet_is_refused(self, home: Path, tmp_path: Path) -> None:
        """A token from wallet A does not open wallet B (exit 5), and still opens A."""
        other = tmp_path / "other"
        assert inproc(other, "init").code == 0
        token = _session(home, "5m")
        ran = _with_session(other, token, "show")
        assert_one_line_error(ran, code=5)
        assert "session" in ran.err
        assert token not in ran.all
        assert _with_session(home, token, "show").code == 0

    def test_mangled_session_token_is_refused(self, home: Path) -> None:
        """A token edited by one character is refused with exit 5."""
        token = _session(home, "5m")
        at = len(token) - 10  # inside the secret, clear of base64's ignored trailing bits
        mangled = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]
        assert_one_line_error(_with_session(home, mangled, "show"), code=5)

    def test_no_passphrase_and_no_terminal_fails_at_once(self, home: Path) -> None:
        """No passphrase source with stdin not a terminal: exit 5, no prompt, no hang."""
        assert_one_line_error(subproc(home, "show", passphrase=None), code=5)

    def test_wrong_passphrase_is_one_opaque_error(self, home: Path) -> None:
        """A wrong passphrase gives exit 5 and leaves the store bytes unchanged."""
        store = home / "wallet.db"
        data = store.read_bytes()
        ran = subproc(home, "show", passphrase="not the passphrase")
        assert_one_line_error(ran, code=5)
        assert store.read_bytes() == data


class TestRollback:
    def test_older_copy_of_the_store_is_reported(self, home: Path, tmp_path: Path) -> None:
        """An older wallet.db put back: opening warns of a rollback and `check` exits 5."""
        saved = tmp_path / "saved-home"
        shutil.copytree(home, saved)
        more = inproc(home, "import", str(write_badges(tmp_path / "more", 3, start=500)[0].parent))
        assert more.code == 0, more.all
        shutil.copy2(saved / "wallet.db", home / "wallet.db")

        shown = inproc(home, "show", "--json")
        assert_no_crash(shown)
        assert shown.code == 0, shown.all
        assert len(json.loads(shown.out)["credentials"]) == HELD  # the old copy reads fine
        warnings = [line for line in shown.err_lines() if "rollback" in line]
        assert len(warnings) == 1 and warnings[0].startswith("credwallet: warning: ")
        assert re.search(r"generation \d+ but this home last saw generation \d+", warnings[0])

        checked = inproc(home, "check", "--offline", "--json")
        assert_no_crash(checked)
        assert checked.code == 5, checked.all
        problems = json.loads(checked.out)["store_problems"]
        assert any("rollback suspected" in p for p in problems), problems
        # Still reported on the next run: the warning is not a one-off.
        assert inproc(home, "check", "--offline").code == 5

    def test_the_warning_outlives_later_writes_until_accepted(
        self, home: Path, tmp_path: Path
    ) -> None:
        """Writes after a rollback raise the generation past the old one: still warned, until
        `check --accept-rollback`; then the warning is gone for good."""
        saved = tmp_path / "saved-home"
        shutil.copytree(home, saved)
        wallet_id = next(iter(_ids(home)))[:8]
        assert inproc(home, "tag", wallet_id, "a", "b").code == 0
        shutil.copy2(saved / "wallet.db", home / "wallet.db")
        for n in range(4):  # more writes than the generations lost
            tagged = inproc(home, "tag", wallet_id, f"after-{n}")
            assert tagged.code == 0, tagged.all
            assert "possible rollback" in tagged.err
        assert "possible rollback" in inproc(home, "show").err
        assert inproc(home, "check", "--offline").code == 5
        accepted = inproc(home, "check", "--offline", "--accept-rollback", "--json")
        assert accepted.code == 0, accepted.all
        assert json.loads(accepted.out)["store_problems"] == []
        assert "rollback" not in inproc(home, "show").err
        _check_clean(home)

    def test_a_wallet_that_only_moved_forward_is_not_flagged(self, home: Path) -> None:
        """Control: after ordinary writes there is no rollback warning and `check` is clean."""
        assert inproc(home, "tag", next(iter(_ids(home)))[:8], "kept").code == 0
        shown = inproc(home, "show")
        assert "rollback" not in shown.err
        _check_clean(home)
