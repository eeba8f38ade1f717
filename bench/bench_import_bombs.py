"""Hostile workbooks at full size, refused by the web upload, `fpp import` and `fpp import-tracker`.

Run: .venv/bin/python bench/bench_import_bombs.py [--runs N]. Builds, in a temporary folder:
- the dimension bomb: one cell at XFD1048576 and a dimension saying so (about 1.5 KB);
- the row bomb: 3,400,000 rows of one tiny cell each, honest sizes, no dimension (about 17 MB, 136 MB unzipped:
  under the size limit, so the guard must count while streaming);
- the same row bomb with its directory claiming 100 KB per part (a lying zip).
Each path runs in its own process under GNU time (wall and CPU seconds, peak resident memory),
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


def measure(args: list[str], env: dict, expect: int) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds and peak MB of one child process (GNU time, so the figure is the child's
    own and not this script's memory), and the last line it printed."""
    child = subprocess.run(["/usr/bin/time", "-f", "__TIME__ %e %U %S %M", *args], env=env,
                           capture_output=True, text=True)
    lines = (child.stdout + child.stderr).strip().splitlines()
    timing = next(line for line in reversed(lines) if line.startswith("__TIME__"))
    wall, user, system, peak_kb = (float(x) for x in timing.split()[1:])
    if child.returncode != expect:
        raise SystemExit(f"{args[-1]}: exit {child.returncode}, expected {expect}:\n" + "\n".join(lines[-30:]))
    said = [line for line in lines if ".xlsx: " in line or line.startswith("  users")]
    return wall, user + system, peak_kb / 1024, said[-1].removeprefix("Error: ") if said else ""


def in_process(paths: dict[str, Path], runs: int) -> None:
    """The refusal alone, without the process start-up: seconds from the reader's call to its error."""
    from fpp.imports.tracker import TrackerError, read_tracker
    from fpp.imports.workbook import WorkbookError, read_workbook
    print(f"\n{'in process (best of runs)':<48} {'read_workbook':>13} {'read_tracker':>13}")
    for name, path in paths.items():
        timings = []
        for reader, error in ((read_workbook, WorkbookError), (read_tracker, TrackerError)):
            best = float("inf")
            for _ in range(runs):
                start = time.perf_counter()
                try:
                    reader(path)
                except error:
                    best = min(best, time.perf_counter() - start)
            timings.append(best)
        print(f"{name:<48} {timings[0]:>12.3f}s {timings[1]:>12.3f}s")


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
    print(f"\n{'what':<48} {'wall s':>6} {'CPU s':>6} {'net CPU':>7} {'peak MB':>7} {'net MB':>6}  message")
    best = {}
    for label, args, expect, bare in rows:
        results = [measure(args, env, expect) for _ in range(runs)]
        wall, cpu, peak = (min(r[i] for r in results) for i in range(3))
        best[label] = (wall, cpu, peak)
        net = f"{cpu - best[bare][1]:>7.2f}" if bare else f"{'':>7}"
        net_mb = f"{peak - best[bare][2]:>6.1f}" if bare else f"{'':>6}"
        print(f"{label:<48} {wall:>6.2f} {cpu:>6.2f} {net} {peak:>7.1f} {net_mb}  {results[-1][3][:90]}")
    in_process(paths, runs)


if __name__ == "__main__":
    main()
