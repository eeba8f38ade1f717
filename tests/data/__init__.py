"""Test data the repository holds: the example board, its expected status and the sample tracker.

Committed here so a fresh clone with nothing beside it passes its tests (the originals are the
product owner's worked examples)."""
from pathlib import Path

DATA = Path(__file__).resolve().parent
EXAMPLE_BOARD = DATA / "example-board.xlsx"
EXAMPLE_STATUS = DATA / "example-status-2026-06-30.json"
SAMPLE_TRACKER = DATA / "board-tracker-2025-26.xlsx"
