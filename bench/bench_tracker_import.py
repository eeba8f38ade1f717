"""Time the tracker import end to end: preview (read, map, plan against the register) and apply.

Run: python bench/bench_tracker_import.py [ROWS]. Generates the preview bench's tracker (5,000 rows
by default), answers every blocking question (a position, a level or "skip"), then previews and applies it into a fresh
SQLite database in a temporary folder. Prints the figures; the targets are a preview under 5 s and
an apply under 10 s.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tracker_preview import write_tracker  # noqa: E402

from fpp.app import create_app  # noqa: E402
from fpp.audit.operations import set_actor  # noqa: E402
from fpp.extensions import db  # noqa: E402
from fpp.migrate import upgrade  # noqa: E402
from fpp.timeutil import freeze  # noqa: E402
from fpp.imports.tracker import Answers  # noqa: E402
from fpp.imports.operations import apply_plan  # noqa: E402
from fpp.imports.planner import prepare  # noqa: E402


def _answer(expects: str) -> str:
    """What a secretary would say: a position, a DBS level, or no record."""
    if "Associate director" in expects:
        return "Non-executive director"
    return "basic" if "enhanced" in expects else "skip"


def main(rows: int = 5000) -> None:
    """Generate, preview, answer, apply; print each stage's time."""
    with tempfile.TemporaryDirectory() as folder, freeze(datetime(2025, 5, 14, 12)):
        path = Path(folder) / "bench.xlsx"
        write_tracker(path, rows)
        url = f"sqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        app = create_app(os.devnull, {"database_url": url, "data_dir": folder, "secret_key": "bench"})
        with app.app_context():
            set_actor(None, "bench")
            data = path.read_bytes()
            first = prepare(data, path.name)
            answers = Answers({q.key: _answer(q.expects) for q in first.plan.open_questions if q.is_blocking})
            started = time.perf_counter()
            prepared = prepare(data, path.name, answers=answers)
            previewed = time.perf_counter()
            result = apply_plan(prepared.plan, filename=path.name, sha256=prepared.sha256)
            db.session.commit()
            applied = time.perf_counter()
            assert result.ok and prepared.plan.is_ready, result.problems[:3]
            again = prepare(data, path.name, answers=answers)
    print(f"rows: {rows}; {result.summary()}; questions answered: {len(answers._values)}")
    print(f"preview {previewed - started:.2f} s (target < 5 s); apply + commit {applied - previewed:.2f} s "
          f"(target < 10 s); re-import plans {again.plan.count(type(prepared.plan.actions[1]))} new records")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
