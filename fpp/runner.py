"""`make run`: the web app and the reminder scheduler side by side, stopped together with Ctrl-C."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

FPP = str(Path(sys.executable).with_name("fpp"))


def main() -> int:
    processes = [subprocess.Popen([FPP, "serve"]), subprocess.Popen([FPP, "scheduler"])]
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    return max((p.returncode or 0) for p in processes)


if __name__ == "__main__":
    sys.exit(main())
