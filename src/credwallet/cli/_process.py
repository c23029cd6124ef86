"""Process hardening at start: no core dumps, and not dumpable (Linux), so that neither a crash
nor another process of the same user can read the passphrase or keys out of this process.

Both are one system call each (``resource`` is a small C module; ``prctl`` is reached through
ctypes only on Linux), so ``credwallet --help`` stays fast. Non-dumpable also makes
``/proc/PID/environ`` (where ``CREDWALLET_PASSPHRASE`` stays visible for the life of the
process, whatever Python removes from ``os.environ``) readable by root only, and refuses
``ptrace`` attachment by the same user.
"""

from __future__ import annotations

import sys

__all__ = ["harden_process"]

PR_SET_DUMPABLE = 4


def harden_process() -> None:
    """Best effort: a platform that lacks either call simply does without it."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        except (OSError, AttributeError):
            pass
