"""The CLI as a person runs it: separate processes on a real SQLite file (the test client's one shared
connection would hide a command that waits on its own lock)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FPP = Path(sys.executable).with_name("fpp")


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FPP_")}
    environ |= {"FPP_DATA_DIR": str(tmp_path / "data"), "FPP_CONFIG": os.devnull,
                "FPP_ARGON2_TIME_COST": "1", "FPP_ARGON2_MEMORY_COST": "64"}
    return subprocess.run([str(FPP), *args], env=environ, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.skipif(not FPP.exists(), reason="the fpp command is installed by `make install`")
def test_exports_that_audit_their_read_finish_and_verify(tmp_path):
    """An export audits its read in the command's own transaction: it never waits for its own lock."""
    assert run(tmp_path, "init-db").returncode == 0
    for args in (("export", "declaration", "--year", "2025", "--output", str(tmp_path / "d.xlsx")),
                 ("export", "pack", "--year", "2025", "--output", str(tmp_path / "p.zip")),
                 ("export", "verify-pack", str(tmp_path / "p.zip")),
                 ("audit", "verify")):
        result = run(tmp_path, *args)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        assert "busy" not in result.stderr
