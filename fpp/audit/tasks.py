"""The scheduler's audit task: a signed checkpoint of the trail's head, daily."""
from __future__ import annotations

from typing import Any


def daily_checkpoint(settings: Any = None) -> dict[str, Any]:
    """Write the day's checkpoint into `[audit] checkpoint_dir` (run inside the app's context)."""
    from fpp.audit.checkpoints import write_checkpoint
    return write_checkpoint("daily")
