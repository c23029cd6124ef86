"""A newcomer's install: build the wheel, install it into a clean virtual environment, and verify
RDFC-signed OB 3.0 credentials with no CREDWALLET_CONTEXTS and no network.

Nothing is downloaded: the wheel is built without build isolation (hatchling comes with the dev
extra) and installed with ``--no-index --no-deps``; the clean environment reaches the
already-installed dependencies through a ``.pth`` file, never the source tree. Every step has a
timeout, so a stuck build fails the test instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from test_shipped_contexts import RDFC_OB3, ob3_ecdsa_rdfc_credential

from support import EXTERNAL, REPO

PIP = [sys.executable, "-m", "pip", "-q"]
NOW = "2026-12-01T00:00:00Z"
STEP_TIMEOUT = 300  # seconds; a build takes a few on an idle machine


def _run(args: list[str | Path], *, env: dict[str, str] | None = None, cwd: Path) -> str:
    done = subprocess.run(
        args, capture_output=True, text=True, timeout=STEP_TIMEOUT, env=env, cwd=cwd, check=False
    )
    assert done.returncode == 0, f"{args[:4]} -> {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_wheel_verifies_rdfc_credentials_offline_without_contexts(tmp_path: Path) -> None:
    pytest.importorskip("hatchling", reason="the dev extra installs hatchling to build the wheel")
    files = []
    for index, (name, _suite) in enumerate(RDFC_OB3):
        target = tmp_path / f"credential-{index}.json"
        target.write_bytes((EXTERNAL / name).read_bytes())
        files.append(target)
    ecdsa = tmp_path / "credential-ecdsa.json"
    ecdsa.write_text(json.dumps(ob3_ecdsa_rdfc_credential()), "utf-8")
    files.append(ecdsa)

    quiet = {**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    wheels = tmp_path / "dist"
    _run(
        [*PIP, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(wheels), REPO],
        env=quiet,
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("credwallet-*.whl")

    clean = tmp_path / "clean"
    _run([sys.executable, "-m", "venv", "--without-pip", str(clean)], cwd=tmp_path)
    python = clean / "bin" / "python"
    purelib = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=tmp_path,
        ).strip()
    )
    # The project's installed dependencies (a plain path: .pth files there, such as the
    # editable install's, are not processed, so the source tree stays out of reach).
    (purelib / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    _run(
        [*PIP, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        env=quiet,
        cwd=tmp_path,
    )

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CREDWALLET_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(
        {
            "CREDWALLET_HOME": str(tmp_path / "home"),
            "CREDWALLET_CACHE_DIR": str(tmp_path / "cache"),
            "PYTHONNOUSERSITE": "1",
            # Any attempt to reach the network goes nowhere.
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "HTTP_PROXY": "http://127.0.0.1:9",
        }
    )
    where = _run(
        [str(python), "-c", "import credwallet; print(credwallet.__file__)"], env=env, cwd=tmp_path
    )
    assert Path(where.strip()).is_relative_to(purelib), where

    output = _run(
        [str(clean / "bin" / "credwallet"), "verify", *files, "--offline", "--json", "--now", NOW],
        env=env,
        cwd=tmp_path,
    )
    reports = json.loads(output)
    assert [r["status"] for r in reports] == ["valid"] * 3, output
    proofs = " ".join(
        check["detail"] for r in reports for check in r["checks"] if check["name"] == "proof"
    )
    for suite in ("eddsa-rdfc-2022", "Ed25519Signature2020", "ecdsa-rdfc-2019"):
        assert suite in proofs
