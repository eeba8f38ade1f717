"""config.example.toml documents every key and loads as it stands."""
from pathlib import Path

from fpp.config import SCHEMA, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_the_example_configuration_loads(tmp_path):
    settings = load_settings(EXAMPLE, environ={"FPP_DATA_DIR": str(tmp_path)})
    assert settings["mail_backend"] == "file"


def test_every_key_is_documented_in_the_example():
    """Each key appears in its [section] (set or commented out), so a newcomer finds it in one place."""
    text = EXAMPLE.read_text()
    tables = {line.strip("[] \n").replace(".", "_") for line in text.splitlines() if line.startswith("[")}
    tables |= {line.strip("#[] \n").replace(".", "_") for line in text.splitlines() if line.startswith("# [[")}
    sections = sorted({table + "_" for table in tables}, key=len, reverse=True)
    for key in SCHEMA:
        section = next((p for p in sections if key.startswith(p)), "")
        leaf = key[len(section):] if section else key
        table = f"[{section[:-1].replace('_validity_months', '.validity_months')}]" if section else ""
        assert f"{leaf} =" in text or key in tables, key
        assert not table or table in text, key
