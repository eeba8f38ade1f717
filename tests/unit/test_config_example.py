"""config.example.toml documents every key and loads as it stands."""
from pathlib import Path

from fpp.config import SCHEMA, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_the_example_configuration_loads(tmp_path):
    settings = load_settings(EXAMPLE, environ={"FPP_DATA_DIR": str(tmp_path)})
    assert settings["mail_backend"] == "file"


def test_every_key_is_documented_in_the_example():
    text = EXAMPLE.read_text()
    for key in SCHEMA:
        leaf = key
        for section in ("rules_validity_months", "rules_", "annual_", "reminders_"):
            if key.startswith(section) and key != "rules_validity_months":
                leaf = key[len(section):]
                break
        assert leaf in text or key == "rules_validity_months" and "[rules.validity_months]" in text, key
