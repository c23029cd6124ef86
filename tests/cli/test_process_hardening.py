"""The command line starts hardened: no core file, not dumpable (issue 16)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

PROBE = textwrap.dedent(
    """
    import ctypes, resource, sys
    sys.argv = ["credwallet", "--help"]
    from credwallet.cli import main
    try:
        main()
    except SystemExit:
        pass
    dumpable = ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)  # PR_GET_DUMPABLE
    sys.stderr.write(f"{resource.getrlimit(resource.RLIMIT_CORE)} {dumpable}\\n")
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux-only")
def test_main_turns_off_core_dumps_and_dumpability() -> None:
    """After the entry point ran: RLIMIT_CORE is (0, 0) and the process is not dumpable."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stderr.strip().splitlines()[-1] == "(0, 0) 0"
    assert "Usage" in done.stdout
