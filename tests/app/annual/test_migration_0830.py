"""Migration 0830 on a register that already holds attestations and references: each attestation gets the
framework version of its year (the Leadership Competency Framework's, the only form there was), and a
reference recorded before it says nothing of discontinued matters (NULL, shown as "not recorded")."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from checks.annual import LCF
from fpp.migrate import alembic_config

NOW = datetime(2026, 11, 30, 9, 0)


def _insert(connection, table: str, **values) -> None:
    names = ", ".join(values)
    connection.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in values)})"),
                       values)


def _register_before_0830(connection) -> None:
    _insert(connection, "members", id=1, member_id="N01", name="Nina Ned", position="ned", is_voting=True,
            is_interim=False, is_executive=False, start_on=date(2020, 1, 1), created_at=NOW, updated_at=NOW)
    for pk, year in ((1, 2023), (2, 2025)):
        _insert(connection, "attestations", id=pk, member_pk=1, year=year, form_version="2025.1", answers="[]",
                self_assessment="[]", has_disclosure=False, discloses_part1_ground=False,
                submitted_on=date(year, 6, 1), submitted_at=NOW)
    _insert(connection, "leaver_references", id=1, member_pk=1, direction="received", organisation="Old Trust",
            roles_and_dates="NED", reason_for_leaving="Moved", disciplinary_findings="None",
            open_investigations="None", conduct_concerns="None", settlement_agreement="None",
            regulator_referrals="None", is_fit_and_proper=True, fit_and_proper_reasons="No concerns",
            completed_by_name="A Person", completed_by_role="Secretary", completed_on=date(2020, 1, 1),
            recorded_at=NOW)


def test_existing_attestations_get_their_years_version_and_references_keep_null(empty_url):
    config = alembic_config(empty_url)
    command.upgrade(config, "0820_pack_jobs")
    engine = sa.create_engine(empty_url)
    try:
        with engine.begin() as connection:
            _register_before_0830(connection)
        command.upgrade(config, "0830_frameworks")
        with engine.connect() as connection:
            versions = connection.execute(sa.text("SELECT year, framework_version FROM attestations ORDER BY year"))
            assert versions.all() == [(2023, LCF.version), (2025, LCF.version)]
            assert connection.execute(sa.text("SELECT discontinued_matters FROM leaver_references")).all() == [(None,)]
        with engine.begin() as connection, pytest.raises(sa.exc.IntegrityError):
            _insert(connection, "attestations", id=3, member_pk=1, year=2026, form_version="2025.1", answers="[]",
                    self_assessment="[]", has_disclosure=False, discloses_part1_ground=False,
                    submitted_on=date(2026, 6, 1), submitted_at=NOW)  # a version is required from now on
        command.downgrade(config, "0820_pack_jobs")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("attestations")}
        assert "framework_version" not in columns and "form_version" in columns
    finally:
        engine.dispose()
