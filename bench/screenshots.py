"""Screenshots of the board, a member page and the audit trail at 1280 px and 375 px, for the README.

What it does: a fresh temporary data folder and SQLite database; the schema by the migrations and the demo
board (`fpp demo`, as `make run` loads it); the app served on a free loopback port by a thread; Debian's
Chromium driven by Playwright signs in as the demo secretary (the second factor enrolled from the key the
page shows) and saves full-page PNGs in `docs/img/` (or `--out`). It also prints, for each width, how wide
the board's table is against its scrolling region, and whether the page itself scrolls sideways.

`--local-checks N` adds N organisation checks (`[[checks.local]]`) to see the board hold more columns; with
it, or with `--measure`, nothing is saved.

Run:
    .venv/bin/python bench/screenshots.py
    .venv/bin/python bench/screenshots.py --measure --local-checks 3
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
WIDTHS = (1280, 375)
SECRETARY = "secretary@example.nhs.uk"
LOCAL_CHECKS = [
    {"code": "interests_review", "label": "Declared interests review", "applies_to": "all", "validity_months": 12},
    {"code": "overseas_police", "label": "Overseas police check", "applies_to": "executive", "validity_months": 36},
    {"code": "mandatory_training", "label": "Mandatory training", "applies_to": "all", "validity_months": 12},
    {"code": "conflicts", "label": "Conflicts register", "applies_to": "all", "validity_months": 12},
]
MEASURE = """() => {
  const page = document.scrollingElement.scrollWidth > document.documentElement.clientWidth + 1;
  return [...document.querySelectorAll(".fpp-matrix")].map(t => {
    const region = t.closest(".fpp-scroll");
    return {table: Math.round(t.getBoundingClientRect().width), region: Math.round(region.clientWidth),
            scrolls: region.scrollWidth > region.clientWidth + 1, page_scrolls_sideways: page,
            narrowest_heading: Math.round(Math.min(...[...t.querySelectorAll("thead th")].map(
              th => th.getBoundingClientRect().width)))};
  }).concat(page ? [...document.querySelectorAll("body *")].filter(el => el.getBoundingClientRect().right >
    document.documentElement.clientWidth + 1 && !el.closest(".fpp-scroll")).slice(0, 3).map(
      el => el.tagName + "." + el.className) : []);
}"""


def serve(tmp: Path, local_checks: int):
    """The app with the demo board on a fresh SQLite database, served on loopback: (app, server)."""
    from werkzeug.serving import make_server

    from fpp.app import create_app
    from fpp.demo import load_demo
    from fpp.extensions import db
    from tests.fixtures.app import CHEAP_ARGON2, reset_schema
    url = f"sqlite:///{tmp / 'demo.sqlite3'}"
    reset_schema(url)
    for name in [n for n in os.environ if n.startswith("FPP_")]:
        del os.environ[name]
    app = create_app(config_path=os.devnull, overrides={
        "data_dir": str(tmp / "data"), "database_url": url, "secret_key": "screenshots",
        "checks_local": LOCAL_CHECKS[:local_checks], **CHEAP_ARGON2})
    with app.app_context():
        load_demo()
        db.session.commit()
        db.session.remove()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.base_url = f"http://127.0.0.1:{server.server_port}"
    return app, server


def member_path(app, name: str) -> str:
    from sqlalchemy import select

    from fpp.extensions import db
    from fpp.people.models import Member
    with app.app_context():
        member_pk = db.session.execute(select(Member.id).where(Member.name == name)).scalar_one()
        db.session.remove()
    return f"/members/{member_pk}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--measure", action="store_true", help="print the board's widths, save nothing")
    parser.add_argument("--local-checks", type=int, default=0, choices=range(len(LOCAL_CHECKS) + 1))
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} is not installed (apt-get install -y chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    from fpp.demo import DEMO_PASSWORD
    from tests.fixtures.browser import CHROMIUM_ARGS, sign_in_in_browser
    save = not (args.measure or args.local_checks)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        app, server = serve(Path(tmp), args.local_checks)
        shots = {"board": "/board", "member": member_path(app, "Gareth Hughes"), "audit": "/audit"}
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            sign_in_in_browser(page, app.base_url, SECRETARY, DEMO_PASSWORD)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 1000 if width > 400 else 1400})
                for name, path in shots.items():
                    page.goto(app.base_url + path)
                    if name == "board":
                        print(f"{width} px: board {page.evaluate(MEASURE)}")
                    if save:
                        target = args.out / f"{name}-{width}.png"
                        # The audit trail runs to thousands of rows: its first screen is what a reader sees.
                        page.screenshot(path=str(target), full_page=name != "audit")
                        print(f"saved {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
        finally:
            browser.close()
            server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
