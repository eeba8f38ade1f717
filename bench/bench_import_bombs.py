"""Hostile workbooks at full size, refused by the web upload, `fpp import` and `fpp import-tracker`.

Run: .venv/bin/python bench/bench_import_bombs.py [--runs N]. Builds, in a temporary folder:
- the dimension bomb: one cell at XFD1048576 and a dimension saying so (about 1.5 KB);
- the row bomb: 3,400,000 rows of one tiny cell each, honest sizes, no dimension (about 17 MB, 136 MB unzipped:
  under the size limit, so the guard must count while streaming);
- the same row bomb with its directory claiming 100 KB per part (a lying zip).
Each path runs in its own process (peak memory from os.wait4's rusage, i.e. ru_maxrss of that child),
beside the bare start-up costs: `python -c "import openpyxl"`, `fpp --help`, and the web child up to the
signed-in upload form. Prints seconds and MB, best of N runs; the target is under 2 s and 200 MB each.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.unit.test_guard import dimension_bomb, lie_about_sizes, row_bomb  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
FPP = str(ROOT / ".venv" / "bin" / "fpp")
WEB_CHILD = r'''
import io, sys
sys.path.insert(0, sys.argv[1])
from fpp.app import create_app
from fpp.extensions import db
from fpp.migrate import upgrade
from fpp.auth.operations import create_user
from tests.fixtures.factories import sign_in_as
url, data_dir, path = sys.argv[2], sys.argv[3], sys.argv[4]
app = create_app(config_path="/dev/null", overrides={"database_url": url, "data_dir": data_dir,
                 "secret_key": "bench-secret-bench-secret-bench-secret", "argon2_time_cost": 1,
                 "argon2_memory_cost": 64}, testing=True)
with app.app_context():
    import os
    user = create_user(f"bench-secretary-{os.getpid()}@example.nhs.uk", "secretary", "correct horse battery staple", None)
    db.session.commit()
    client = app.test_client()
    sign_in_as(client, user.email, "correct horse battery staple")
    assert client.get("/imports/tracker").status_code == 200
    if path != "-":
        response = client.post("/imports/tracker", data={"tracker": (io.BytesIO(open(path, "rb").read()), "bomb.xlsx")},
                               content_type="multipart/form-data", follow_redirects=True)
        page = response.data.decode()
        assert response.status_code == 400 and "bomb.xlsx: " in page, (response.status_code, page[:300])
        print("bomb.xlsx: " + page.split("bomb.xlsx: ", 1)[1].split("<", 1)[0])
'''


def measure(args: list[str], env: dict, expect: int) -> tuple[float, float, str]:
    """Seconds and peak MB of one child process, and what it printed."""
    start = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = child.stdout.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != expect:
        raise SystemExit(f"{args[-1]}: exit {child.returncode}, expected {expect}:\n{output[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, output.strip().splitlines()[-1] if output.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    folder = Path(tempfile.mkdtemp(prefix="fpp-bombs-"))
    started = time.perf_counter()
    bombs = {"dimension bomb": dimension_bomb("Sheet1")}
    bombs["row bomb"] = row_bomb(3_400_000, sheet="Sheet1")
    bombs["row bomb, lying sizes"] = lie_about_sizes(bombs["row bomb"], "xl/worksheets/sheet1.xml", 100_000)
    paths = {}
    for name, data in bombs.items():
        paths[name] = folder / f"{name.replace(' ', '-').replace(',', '')}.xlsx"
        paths[name].write_bytes(data)
        print(f"{name}: {len(data):,} bytes")
    print(f"(built in {time.perf_counter() - started:.1f} s)")
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    env = {**os.environ, "FPP_DATABASE_URL": url, "FPP_DATA_DIR": str(folder / "data"), "FPP_CONFIG": "/dev/null",
           "FPP_SECRET_KEY": "bench-secret-bench-secret-bench-secret"}
    subprocess.run([FPP, "init-db"], env=env, check=True, capture_output=True)
    missing = str(folder / "missing.xlsx")
    web = [PYTHON, "-c", WEB_CHILD, str(ROOT), url, str(folder / "data")]
    rows = [("bare: python -c 'import openpyxl'", [PYTHON, "-c", "import openpyxl"], 0, None),
            ("bare: fpp --help", [FPP, "--help"], 0, None),
            ("bare: fpp import (no such file)", [FPP, "import", missing], 1, None),
            ("bare: fpp import-tracker (no such file)", [FPP, "import-tracker", missing], 1, None),
            ("bare: web child, signed in, no upload", [*web, "-"], 0, None)]
    for name, path in paths.items():
        rows += [(f"{name}: web upload", [*web, str(path)], 0, "bare: web child, signed in, no upload"),
                 (f"{name}: fpp import", [FPP, "import", str(path)], 1, "bare: fpp import (no such file)"),
                 (f"{name}: fpp import-tracker", [FPP, "import-tracker", str(path)], 1,
                  "bare: fpp import-tracker (no such file)")]
    print(f"\n{'what':<50} {'seconds':>8} {'net s':>6} {'peak MB':>8} {'net MB':>7}  message")
    best = {}
    for label, args, expect, bare in rows:
        results = [measure(args, env, expect) for _ in range(runs)]
        best[label] = seconds, peak = min(r[0] for r in results), min(r[1] for r in results)
        net = f"{seconds - best[bare][0]:>6.2f} {'':>8} {peak - best[bare][1]:>7.1f}" if bare else f"{'':>6} {'':>8} {'':>7}"
        net = net[:7] + f"{peak:>8.1f}" + net[15:] if bare else f"{'':>6} {peak:>8.1f} {'':>7}"
        print(f"{label:<50} {seconds:>8.2f} {net}  {results[-1][2][:100]}")


if __name__ == "__main__":
    main()
