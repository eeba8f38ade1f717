"""`preset` on the mapping page is the name of a saved preset and nothing else; the CLI's --mapping may
name a file, but its errors say where the file is wrong, never what it holds."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from fpp.extensions import db
from fpp.imports.operations import save_preset
from fpp.imports.tracker import ColumnMapping

from .conftest import HEADERS, row
from .test_web import mapping_form, upload

SECRET = "hunter2-secret"
MAPPING_FILE = f'# {SECRET}\n[columns]\n"Fancy search" = "check.social_media"\n'


def mapping_page(client, login, make_xlsx) -> str:
    login("secretary")
    path = make_xlsx([HEADERS + ["Fancy search"], row() + [date(2025, 4, 1)]])
    return upload(client, path).headers["Location"]


def refused(client, url: str, preset: str) -> str:
    response = client.get(url, query_string={"preset": preset})
    assert response.status_code == 400
    page = response.data.decode()
    assert "root:" not in page and SECRET not in page and "Traceback" not in page
    return re.search(r"There is no saved preset called [^<]*", page).group().strip()


@pytest.mark.parametrize("preset", ["/etc/passwd", "../../config.toml", "../../../../../../etc/hostname"])
def test_a_path_is_not_a_preset(client, login, make_xlsx, preset):
    url = mapping_page(client, login, make_xlsx)
    assert refused(client, url, preset) == f"There is no saved preset called &#39;{preset}&#39;"


def test_an_existing_mapping_file_is_neither_read_nor_told_apart_from_a_missing_one(client, login, make_xlsx,
                                                                                     tmp_path):
    url = mapping_page(client, login, make_xlsx)
    existing = tmp_path / "mapping.toml"
    existing.write_text(MAPPING_FILE)
    found, missing = refused(client, url, str(existing)), refused(client, url, str(tmp_path / "nothing.toml"))
    assert found.replace("mapping.toml", "X") == missing.replace("nothing.toml", "X")


def test_a_saved_preset_is_used_by_name(client, login, make_xlsx):
    url = mapping_page(client, login, make_xlsx)
    assert mapping_form(client.get(url).data.decode()).get("column-8") != "check.social_media"
    save_preset("Board 2025", ColumnMapping({"Fancy search": "check.social_media"}))
    db.session.commit()
    response = client.get(url, query_string={"preset": "Board 2025"})
    assert response.status_code == 200
    assert mapping_form(response.data.decode())["column-8"] == "check.social_media"


@pytest.mark.parametrize("content, message", [
    ("root:x:0:0:hunter2-secret:/root:/bin/bash\n", "is not valid TOML (at line 1, column 5)"),
    (f'name = "{SECRET}"\n\x01\n', "is not valid TOML (at line 2, column 1)"),
    (f'database_url = "postgresql://app:{SECRET}@db"\n',
     "is not a mapping file: a mapping holds only header_row, sheet and a [columns] table"),
    (f'columns = "{SECRET}"\n', "is not a mapping file: 'columns' must be a table of header = target"),
    (f'[columns]\n"DBS date" = "check.dbs"\n"{SECRET}" = "{SECRET}"\n',
     "entry 2 of [columns] is not a column target; use ignore, notes"),
    (f'header_row = "{SECRET}"\n', "is not a mapping file: 'header_row' must be a row number (1 or more)"),
])
def test_the_cli_says_where_a_mapping_file_is_wrong_not_what_it_holds(runner, make_xlsx, write_text, content,
                                                                     message):
    mapping = write_text("not-a-mapping.toml", content)
    result = runner("import-tracker", make_xlsx([HEADERS, row()]), "--mapping", mapping)
    assert result.exit_code == 1
    assert f"Error: {mapping}: {message}" in result.output
    assert SECRET not in result.output and "root:" not in result.output and "Traceback" not in result.output


def test_the_cli_still_reads_a_mapping_file_and_a_preset(runner, make_xlsx, write_text):
    path = make_xlsx([HEADERS + ["Fancy search"], row() + [date(2025, 4, 1)]])
    result = runner("import-tracker", path, "--mapping", write_text("mapping.toml", MAPPING_FILE), "--dry-run")
    assert result.exit_code == 0, result.output
    assert '"Fancy search" = "check.social_media"' in result.output
    unreadable = write_text("latin1.toml", "# caf\xe9\n", encoding="latin-1")
    result = runner("import-tracker", path, "--mapping", unreadable)
    assert result.exit_code == 1 and f"{unreadable}: cannot be read (it is not UTF-8 text)" in result.output
    assert Path(unreadable).is_file()
