import pytest

from fpp.config import ConfigError, load_settings


def test_defaults_file_environment_overrides_in_that_order(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('organisation_name = "From file"\nmail_from = "file@x"\n[rules]\nwarning_window_days = 30\n')
    settings = load_settings(config, {"mail_from": "override@x"},
                             environ={"FPP_ORGANISATION_NAME": "From env", "FPP_DATA_DIR": str(tmp_path)})
    assert settings["organisation_name"] == "From env"
    assert settings["mail_from"] == "override@x"
    assert settings.rules.warning_window_days == 30
    assert settings["database_url"].startswith("sqlite:///")


@pytest.mark.parametrize("text, message", [
    ('colour = "blue"', "unknown configuration key 'colour'"),
    ('smtp_port = "twenty"', "bad value for 'smtp_port'"),
    ('mail_backend = "pigeon"', "bad value for 'mail_backend'"),
    ('[rules]\nwarning_window_days = -5', "bad value for 'rules_warning_window_days'"),
    ('[rules.validity_months]\ndbs_check = 12', "unknown check code 'dbs_check'"),
    ('organisation_name = ', "not valid TOML"),
])
def test_bad_configuration_names_the_key(tmp_path, text, message):
    config = tmp_path / "config.toml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_settings(config, environ={"FPP_DATA_DIR": str(tmp_path)})


def test_unknown_environment_variable_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="unknown configuration key 'smtp_hots'"):
        load_settings(None,
                      environ={"FPP_SMTP_HOTS": "x", "FPP_DATA_DIR": str(tmp_path), "FPP_CONFIG": ""})


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="FPP_SECRET_KEY"):
        load_settings(None, environ={"FPP_ENV": "production", "FPP_DATA_DIR": str(tmp_path)})


def test_a_named_config_file_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml", environ={})


def test_validity_override_of_zero_means_once(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[rules.validity_months]\nsocial_media = 0\ndbs = 24\n")
    rules = load_settings(config, environ={"FPP_DATA_DIR": str(tmp_path)}).rules
    assert rules.validity("social_media") is None and rules.validity("dbs") == 24
