"""`fpp audit checkpoint`, `fpp audit new-key` and the scheduler's daily checkpoint."""
from __future__ import annotations

import json

from exports import trail
from fpp.audit.checkpoints import list_checkpoints, newest_checkpoint
from fpp.audit.keys import parse_private_key, register_keys
from fpp.audit.tasks import daily_checkpoint
from fpp.extensions import settings


def test_checkpoint_writes_the_file_and_keeps_a_copy(runner, create_member, tmp_path):
    create_member()
    result = runner("audit", "checkpoint", "--output", tmp_path / "away.json")
    assert result.exit_code == 0 and "1 entries" in result.output
    doc = json.loads((tmp_path / "away.json").read_text())
    assert doc["count"] == 1 and doc["reason"] == "fpp audit checkpoint"
    assert trail.checkpoint_problem(doc, trail.public_key_text(register_keys()[0])) is None
    assert newest_checkpoint()[1] == doc


def test_checkpoint_into_a_missing_folder_is_refused(runner, tmp_path):
    result = runner("audit", "checkpoint", "--output", tmp_path / "no" / "such" / "c.json")
    assert result.exit_code == 1 and "does not exist" in result.output and not list_checkpoints()


def test_new_key_prints_a_usable_key(runner):
    result = runner("audit", "new-key")
    assert result.exit_code == 0 and result.output.startswith("-----BEGIN PRIVATE KEY-----")
    parse_private_key(result.output.encode())


def test_the_daily_checkpoint(app, create_member):
    create_member()
    doc = daily_checkpoint(settings())
    assert doc["reason"] == "daily" and doc["count"] == 1 and len(list_checkpoints()) == 1
