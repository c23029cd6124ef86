"""Drive the real `age` program through a pseudo-terminal (it reads passphrases from a TTY only)."""

from __future__ import annotations

import os
import pty
import select
import shutil
import time
import warnings
from dataclasses import dataclass

AGE = shutil.which("age")
SKIP_REASON = "the `age` program is not installed (Debian/Ubuntu: apt-get install age)"

# age asks "Enter passphrase:" to decrypt, and "Enter passphrase (leave empty to autogenerate a
# secure one):" then "Confirm passphrase:" to encrypt. Each prompt ends with ":" + space.
_PROMPTS = (b"passphrase: ", b"one): ")


@dataclass(frozen=True)
class Run:
    returncode: int
    output: str


def run_age(args: list[str], passphrase: str, *, timeout: float = 60.0) -> Run:
    """Run ``age args...`` on a new pty, typing ``passphrase`` at each prompt."""
    if AGE is None:
        raise RuntimeError(SKIP_REASON)
    with warnings.catch_warnings():
        # Python 3.12+ warns about fork() in a multi-threaded process; the child only execs.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its controlling terminal, as age requires
        try:
            os.execv(AGE, [AGE, *args])
        finally:
            os._exit(127)
    transcript = bytearray()
    answered = 0
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if not ready:
                continue
            try:
                data = os.read(fd, 4096)
            except OSError:  # EIO: the child closed the terminal (it exited)
                break
            if not data:
                break
            transcript += data
            prompts = sum(transcript.count(p) for p in _PROMPTS)
            while answered < prompts:
                os.write(fd, passphrase.encode("utf-8") + b"\r")
                answered += 1
        else:
            os.kill(pid, 9)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return Run(os.waitstatus_to_exitcode(status), transcript.decode("utf-8", "replace"))
