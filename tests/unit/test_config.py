import os

import pytest

from fpp.app import create_app
from fpp.config import SCHEMA, ConfigError, load_settings


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


def test_production_refuses_to_start_without_the_audit_key(tmp_path):
    environ = {"FPP_ENV": "production", "FPP_DATA_DIR": str(tmp_path), "FPP_SECRET_KEY": "x" * 32}
    with pytest.raises(ConfigError, match="FPP_AUDIT_SIGNING_KEY"):
        load_settings(os.devnull, environ=environ)
    environ["FPP_AUDIT_SIGNING_KEY"] = "ab" * 32
    assert load_settings(os.devnull, environ=environ)["audit_signing_key"] == "ab" * 32


def test_the_old_retention_key_keeps_working_for_one_release(tmp_path):
    environ = {"FPP_DATA_DIR": str(tmp_path)}
    assert load_settings(os.devnull, environ=environ)["retention_leaver_age_years"] == 75
    old = load_settings(os.devnull, {"rules_retention_age_years": 80}, environ=environ)
    assert old["retention_leaver_age_years"] == 80
    both = load_settings(os.devnull, {"rules_retention_age_years": 80, "retention_leaver_age_years": 70},
                         environ=environ)
    assert both["retention_leaver_age_years"] == 70


@pytest.mark.parametrize("key, ok", [("short", False), ("x" * 31, False), ("x" * 32, True)])
def test_production_refuses_a_secret_key_shorter_than_32_bytes(tmp_path, key, ok):
    environ = {"FPP_ENV": "production", "FPP_DATA_DIR": str(tmp_path), "FPP_SECRET_KEY": key,
               "FPP_AUDIT_SIGNING_KEY": "11" * 32}
    if ok:
        assert load_settings(os.devnull, environ=environ)["secret_key"] == key
    else:
        with pytest.raises(ConfigError, match="at least 32 bytes"):
            load_settings(os.devnull, environ=environ)


def test_security_settings_from_the_file_and_the_environment(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[security]\nmfa_required_roles = ["secretary", "chair"]\ntrusted_proxies = 1\n')
    settings = load_settings(config, environ={"FPP_DATA_DIR": str(tmp_path), "FPP_SECURITY_LOCKOUT_MINUTES": "20"})
    assert settings["security_mfa_required_roles"] == ("secretary", "chair")
    assert settings["security_trusted_proxies"] == 1 and settings["security_lockout_minutes"] == 20
    assert settings["security_rate_limit_storage_url"] == "memory://"


def test_a_named_config_file_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml", environ={})


def test_validity_override_of_zero_means_once(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[rules.validity_months]\nsocial_media = 0\ndbs = 24\n")
    rules = load_settings(config, environ={"FPP_DATA_DIR": str(tmp_path)}).rules
    assert rules.validity("social_media") is None and rules.validity("dbs") == 24


# One malformed value per key of the configuration's own table (fpp.config.SCHEMA): a key added without
# an example here fails test_every_key_has_a_malformed_example.
MALFORMED = {
    "env": "staging",
    "database_url": "mysql://fpp@db/fpp",
    "data_dir": "",
    "secret_key": 12345,
    "organisation_name": "  ",
    "mail_backend": "pigeon",
    "smtp_host": "mail server",
    "smtp_port": 70000,
    "smtp_starttls": "sometimes",
    "smtp_user": ["fpp"],
    "smtp_password": {"value": "x"},
    "mail_from": "fpp at localhost",
    "base_url": "fpp.example.nhs.uk",
    "max_upload_mb": -1,
    "argon2_time_cost": 0,
    "argon2_memory_cost": 16,
    "session_cookie_secure": "maybe",
    "rules_warning_window_days": -5,
    "rules_appraisal_after_months": "twelve",
    "rules_leaver_reference_days": 1.5,
    "rules_interim_cover_weeks": -1,
    "rules_retention_age_years": "75 years",
    "rules_validity_months": {"dbs_check": 12},
    "annual_declaration_deadline": "6/30",
    "annual_statement": "",
    "reminders_expiry_lead_days": [60, "soon"],
    "reminders_overdue_repeat_days": 0,
    "reminders_overdue_max_reminders": -1,
    "reminders_declaration_lead_days": "30,400",
    "reminders_attestation_request_on": "02-29",
    "reminders_digest_weekday": "someday",
    "reminders_digest_horizon_days": -60,
    "reminders_secretary_copies": "perhaps",
    "reminders_run_at": "25:00",
    "outbox_max_attempts": 0,
    "outbox_backoff_seconds": 0,
    "outbox_backoff_max_seconds": "six hours",
    "outbox_smtp_timeout_seconds": -30,
    "scheduler_send_interval_seconds": 0,
    "scheduler_lease_seconds": "1.5",
    "scheduler_heartbeat_stale_minutes": 0,
    "security_mfa_required_roles": ["secretary", "admin"],
    "security_login_max_failures": 0,
    "security_lockout_minutes": "a while",
    "security_session_idle_minutes": 0,
    "security_session_max_hours": -12,
    "security_rate_limit_storage_url": "memcached://localhost",
    "security_trusted_proxies": -1,
    "security_login_rate_per_address": "lots",
    "security_invitation_days": 0,
    "security_reset_minutes": "an hour",
    "audit_signing_key_file": ["key.pem"],
    "audit_signing_key": "not a key",
    "audit_checkpoint_dir": 7,
    "reports_pack_keep_days": 0,
    "imports_max_cells": "lots",
    "imports_max_unzipped_mb": 0,
    "imports_max_seconds": -1,
    "retention_leaver_age_years": "seventy-five",
    "retention_evidence_years": {"passport_copy": 2},
    "frameworks_search_path": ["frameworks", ""],
    "checks_local": [{"code": "dbs", "label": "Our DBS", "applies_to": "all", "validity_months": 12}],
}


def test_every_key_has_a_malformed_example():
    assert sorted(set(SCHEMA) - set(MALFORMED)) == [], "add a malformed example for each new key"
    assert sorted(set(MALFORMED) - set(SCHEMA)) == [], "an example for a key that no longer exists"


@pytest.mark.parametrize("key", sorted(SCHEMA))
def test_a_malformed_value_stops_start_up_naming_the_key(key, tmp_path):
    with pytest.raises(ConfigError, match=f"bad value for '{key}'"):
        load_settings(os.devnull, {"data_dir": str(tmp_path), key: MALFORMED[key]}, environ={})


@pytest.mark.parametrize("key", sorted(SCHEMA))
def test_every_default_is_well_formed(key):
    parse, default = SCHEMA[key]
    if default is not None:
        parse(default)


def test_a_malformed_deadline_in_the_file_stops_the_app(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'data_dir = "{tmp_path}"\n[annual]\ndeclaration_deadline = "6/30"\n')
    with pytest.raises(ConfigError, match="'annual_declaration_deadline': expected a day of the year MM-DD"):
        create_app(config_path=config)


@pytest.mark.parametrize("key, value, parsed", [
    ("smtp_port", "2525", 2525),                       # environment values are text
    ("annual_declaration_deadline", " 07-31 ", "07-31"),
    ("database_url", "postgresql+psycopg://fpp@db/fpp", "postgresql+psycopg://fpp@db/fpp"),
    ("database_url", "sqlite://", "sqlite://"),
    ("base_url", "https://fpp.example.nhs.uk/", "https://fpp.example.nhs.uk/"),
    ("mail_from", "fpp@example.nhs.uk", "fpp@example.nhs.uk"),
])
def test_well_formed_values_are_kept(key, value, parsed, tmp_path):
    assert load_settings(os.devnull, {"data_dir": str(tmp_path), key: value}, environ={})[key] == parsed


def test_the_rules_carry_the_configured_numbers(tmp_path):
    rules = load_settings(os.devnull, {"data_dir": str(tmp_path), "rules_interim_cover_weeks": 8}, environ={}).rules
    assert rules.interim_cover_weeks == 8
