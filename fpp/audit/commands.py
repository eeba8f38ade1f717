"""`fpp audit verify`, `checkpoint` and `new-key`: the audit trail from the command line."""
from __future__ import annotations

from pathlib import Path

import click

from fpp.cli import UserError, with_app


def register(cli: click.Group) -> None:
    cli.add_command(audit)


@click.group("audit")
def audit() -> None:
    """The audit trail."""


@audit.command("verify")
@click.option("--checkpoint", "checkpoint_file", type=click.Path(dir_okay=False, path_type=Path),
              help="a checkpoint file to check the trail against (default: the newest in [audit] checkpoint_dir)")
@with_app(writes=False)
def audit_verify(checkpoint_file: Path | None) -> None:
    """Check the chain, each entry's MAC, the newest signed checkpoint and the live tables against the trail;
    exit 1 naming each problem found."""
    from fpp.audit.checkpoints import checkpoint_dir, newest_checkpoint, read_checkpoint
    from fpp.audit.queries import verify_register
    try:
        if checkpoint_file is not None:
            found = (checkpoint_file, read_checkpoint(checkpoint_file))
        else:
            found = newest_checkpoint()
    except ValueError as error:
        raise UserError(f"--checkpoint {error}" if checkpoint_file else str(error)) from None
    path, doc = found if found else (None, None)
    report = verify_register(doc, path.name if path else "")
    redacted = (f" ({report.redacted} redacted under retention: their link and MAC checked, their content "
                "cannot be re-hashed)") if report.redacted else ""
    if not report.ok:
        lines = "\n".join(f"  {problem}" for problem in report.problems)
        raise UserError(f"the audit trail does not verify ({report.checked} entries checked{redacted}):\n{lines}")
    if doc is None:
        checkpoint = f"no checkpoint in {checkpoint_dir()} to compare with (`fpp audit checkpoint` writes one)"
    else:
        checkpoint = f"the trail holds the head of {report.checkpoint}"
    click.echo(f"Audit trail intact: {report.checked} entries verified{redacted}; {checkpoint}; "
               f"{report.compared} live rows (members, check records, evidence, outcomes) match the trail.")


@audit.command("checkpoint")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="where to write the checkpoint (keep it away from the database)")
@with_app(writes=False)
def audit_checkpoint(output: Path) -> None:
    """Write a signed checkpoint of the trail's head (count, last hash) to FILE and [audit] checkpoint_dir."""
    from fpp.audit.checkpoints import write_checkpoint
    if not output.parent.is_dir():
        raise UserError(f"--output {output}: the folder {output.parent} does not exist")
    try:
        doc = write_checkpoint("fpp audit checkpoint", output)
    except OSError as error:
        raise UserError(f"--output {output}: cannot be written ({error.strerror})") from None
    click.echo(f"Checkpoint written to {output}: {doc['count']} entries, head {doc['head']}, "
               f"key {doc['key_fingerprint']}.")


@audit.command("new-key")
def audit_new_key() -> None:
    """Print a new Ed25519 signing key (PEM) for [audit] signing_key_file or FPP_AUDIT_SIGNING_KEY.
    Changing the key of a register with a trail makes its existing MACs fail: set it up once."""
    from fpp.audit.keys import new_key_pem
    click.echo(new_key_pem().decode(), nl=False)
