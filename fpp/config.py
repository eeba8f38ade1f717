"""Configuration: defaults -> TOML file (FPP_CONFIG, default ./config.toml) -> FPP_* environment -> overrides.

Unknown keys and malformed values stop start-up with a message naming the key.
"""
from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

from checks import CHECK_CODES, Rules
from checks.catalogue import LocalCheckError, with_local_checks
from checks.years import parse_month_day


class ConfigError(Exception):
    """A configuration key is unknown or its value is malformed."""


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text is None or not text.lstrip("-").isdigit():
        raise ValueError(f"expected a whole number, got {value!r}")
    return int(text)


def _at_least(low: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        number = _int(value)
        if number < low:
            raise ValueError(f"expected {low} or more, got {number}")
        return number
    return parse


_non_negative, _positive = _at_least(0), _at_least(1)


def _port(value: Any) -> int:
    number = _int(value)
    if not 1 <= number <= 65535:
        raise ValueError(f"expected a port number from 1 to 65535, got {number}")
    return number


def _text(blank: bool = True) -> Callable[[Any], str]:
    """Text as written (TOML strings and environment values); a table, list or number is refused."""
    def parse(value: Any) -> str:
        if not isinstance(value, (str, os.PathLike)):
            raise ValueError(f"expected text, got {value!r}")
        text = os.fspath(value)
        if not blank and not text.strip():
            raise ValueError("expected some text, got nothing")
        return text
    return parse


def _single_word(what: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _text(blank=False)(value).strip()
        if any(c.isspace() for c in text):
            raise ValueError(f"expected {what}, got {value!r}")
        return text
    return parse


def _email(value: Any) -> str:
    text = _single_word("an e-mail address")(value)
    local, at, domain = text.rpartition("@")
    if not (at and local and domain):
        raise ValueError(f"expected an e-mail address like fpp@trust.nhs.uk, got {value!r}")
    return text


def _base_url(value: Any) -> str:
    text = _single_word("an address like https://fpp.trust.nhs.uk")(value)
    scheme, sep, rest = text.partition("://")
    if scheme not in ("http", "https") or not sep or not rest.split("/")[0]:
        raise ValueError(f"expected an address starting http:// or https://, got {value!r}")
    return text


def _database_url(value: Any) -> str:
    """Empty (a SQLite file in data_dir) or a SQLAlchemy URL of a supported database (CONTRACT.md)."""
    text = _text()(value).strip()
    if not text:
        return text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError
    try:
        backend = make_url(text).get_backend_name()
    except ArgumentError:
        raise ValueError(f"expected a database URL like sqlite:///path or postgresql+psycopg://..., "
                         f"got {value!r}") from None
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(f"expected a SQLite or PostgreSQL URL, got a {backend} one")
    return text


def _choice(*allowed: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}, got {value!r}")
        return str(value)
    return parse


def _time_of_day(value: Any) -> str:
    text = _text()(value).strip()
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and 0 <= int(hours) < 24 and 0 <= int(minutes) < 60
            and len(minutes) == 2):
        raise ValueError(f"expected a time of day HH:MM, got {value!r}")
    return f"{int(hours):02d}:{minutes}"


def _validity(value: Any) -> dict[str, int | None]:
    if not isinstance(value, dict):
        raise ValueError("expected a table of check code = months (0 for once)")
    result = {}
    for code, months in value.items():
        if code not in CHECK_CODES:
            raise ValueError(f"unknown check code {code!r}")
        number = _non_negative(months)
        result[code] = number or None
    return result


def _evidence_years(value: Any) -> dict[str, int]:
    """[retention.evidence_years]: check code = years after the member left (0: removed when they leave)."""
    if not isinstance(value, dict):
        raise ValueError("expected a table of check code = years, e.g. identity = 2")
    return {str(code): _non_negative(years) for code, years in value.items()}  # codes: checked in _finish


def _local_checks(value: Any) -> tuple:
    """`[[checks.local]]` (CONTRACT.md): each table checked by checks.catalogue, which names the entry and key."""
    if not isinstance(value, (list, tuple)):
        raise ValueError("expected [[checks.local]] tables in the TOML file (there is no environment form)")
    try:
        catalogue = with_local_checks(value)
    except LocalCheckError as exc:
        raise ValueError(str(exc)) from None
    return tuple(check for check in catalogue if check.is_local)


def _signing_key(value: Any) -> str:
    """An Ed25519 private key: 64 hex digits (its 32-byte seed) or a PEM block; empty for none."""
    text = _text()(value).strip()
    if text:
        from fpp.audit.keys import parse_private_key
        try:
            parse_private_key(text.encode())
        except ValueError as exc:
            raise ValueError(str(exc)) from None
    return text


def _folders(value: Any) -> tuple[str, ...]:
    """Folders as a TOML array of text, or one text separated by os.pathsep (the environment); may be empty."""
    items = value if isinstance(value, (list, tuple)) else [v for v in _text()(value).split(os.pathsep) if v.strip()]
    return tuple(_text(blank=False)(item).strip() for item in items)


def _lead_days(value: Any) -> tuple[int, ...]:
    """Reminder lead times: whole numbers of days, 1 to 366, largest first."""
    items = value if isinstance(value, (list, tuple)) else [v for v in _text()(value).split(",") if v.strip()]
    leads = set()
    for item in items:
        try:
            number = _int(str(item).strip() if isinstance(item, str) else item)
        except (TypeError, ValueError):
            raise ValueError(f"unknown lead time {item!r}: expected a number of days") from None
        if not 1 <= number <= 366:
            raise ValueError(f"unknown lead time {number}: expected 1 to 366 days")
        leads.add(number)
    return tuple(sorted(leads, reverse=True))


def _month_day(value: Any) -> str:
    """A day that exists every year, as MM-DD (checks.years.parse_month_day)."""
    month, day = parse_month_day(_text()(value))
    return f"{month:02d}-{day:02d}"


def _weekday(value: Any) -> str:
    from checks.reminders import WEEKDAYS
    text = _text()(value).strip().lower()
    if text not in WEEKDAYS:
        raise ValueError(f"expected a day of the week (monday ... sunday), got {value!r}")
    return text


ROLES = ("secretary", "chair", "sid", "member", "auditor")  # CONTRACT.md "Roles" (fpp.auth.models.ROLES)


def _roles(value: Any) -> tuple[str, ...]:
    """A list of roles (TOML array, or comma-separated in the environment); may be empty."""
    items = value if isinstance(value, (list, tuple)) else [v for v in _text()(value).split(",") if v.strip()]
    roles = []
    for item in items:
        role = str(item).strip()
        if role not in ROLES:
            raise ValueError(f"unknown role {item!r}: expected some of {', '.join(ROLES)}")
        roles.append(role)
    return tuple(dict.fromkeys(roles))


def _storage_url(value: Any) -> str:
    """Where throttling counts live (the `limits` package's storage URIs we support)."""
    text = _single_word("memory:// or redis://host:port")(value)
    if text != "memory://" and not text.startswith(("redis://", "rediss://")):
        raise ValueError(f"expected memory:// or a redis:// URL, got {value!r}")
    return text


def _rate(value: Any) -> str:
    """A rate like "20 per minute" or "100/hour" (the `limits` package's notation)."""
    text = _text(blank=False)(value).strip()
    from limits import parse_many
    try:
        parse_many(text)
    except ValueError:
        raise ValueError(f"expected a rate like '20 per minute', got {value!r}") from None
    return text


# key: (parser, default). Section keys are flattened with "_" (e.g. [rules] warning_window_days).
SCHEMA: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "env": (_choice("development", "production"), "development"),
    "database_url": (_database_url, ""),
    "data_dir": (_text(blank=False), "./instance"),
    "secret_key": (_text(), ""),
    "organisation_name": (_text(blank=False), "Example NHS Foundation Trust"),
    "mail_backend": (_choice("file", "smtp"), "file"),
    "smtp_host": (_single_word("a host name"), "localhost"),
    "smtp_port": (_port, 25),
    "smtp_starttls": (_bool, False),
    "smtp_user": (_text(), ""),
    "smtp_password": (_text(), ""),
    "mail_from": (_email, "fpp@localhost"),
    "base_url": (_base_url, "http://127.0.0.1:5000"),
    "max_upload_mb": (_non_negative, 20),
    "argon2_time_cost": (_positive, 3),
    "argon2_memory_cost": (_at_least(32), 65536),  # KiB; argon2 needs 8 per lane (4 lanes)
    "session_cookie_secure": (_bool, None),
    "rules_warning_window_days": (_non_negative, 60),
    "rules_appraisal_after_months": (_non_negative, 12),
    "rules_leaver_reference_days": (_non_negative, 30),
    "rules_interim_cover_weeks": (_non_negative, 6),
    "rules_retention_age_years": (_non_negative, None),  # replaced by retention_leaver_age_years (one release)
    "rules_validity_months": (_validity, {}),
    "annual_declaration_deadline": (_month_day, "06-30"),
    # Reminders, outbox and scheduler (issue 5; config.example.toml [reminders], [outbox], [scheduler]).
    "reminders_expiry_lead_days": (_lead_days, (60, 30, 7)),
    "reminders_overdue_repeat_days": (_positive, 7),
    "reminders_overdue_max_reminders": (_non_negative, 6),
    "reminders_declaration_lead_days": (_lead_days, (30, 14, 7)),
    "reminders_attestation_request_on": (_month_day, "04-01"),
    "reminders_digest_weekday": (_weekday, "monday"),
    "reminders_digest_horizon_days": (_non_negative, 60),
    "reminders_secretary_copies": (_bool, False),
    "reminders_run_at": (_time_of_day, "06:00"),
    "outbox_max_attempts": (_positive, 8),
    "outbox_backoff_seconds": (_positive, 60),
    "outbox_backoff_max_seconds": (_positive, 21600),
    "outbox_smtp_timeout_seconds": (_positive, 30),
    "scheduler_send_interval_seconds": (_positive, 60),
    "scheduler_lease_seconds": (_positive, 90),
    "scheduler_heartbeat_stale_minutes": (_positive, 15),
    # Sign-in (issue 10; config.example.toml [security]).
    "security_mfa_required_roles": (_roles, ("secretary", "chair", "sid", "auditor")),
    "security_login_max_failures": (_positive, 5),
    "security_lockout_minutes": (_positive, 15),
    "security_session_idle_minutes": (_positive, 30),
    "security_session_max_hours": (_positive, 12),
    "security_rate_limit_storage_url": (_storage_url, "memory://"),
    "security_trusted_proxies": (_non_negative, 0),
    "security_login_rate_per_address": (_rate, "30 per minute"),
    "security_invitation_days": (_positive, 7),
    "security_reset_minutes": (_positive, 60),
    # The audit trail's key (issue 11; config.example.toml [audit]): a file, or FPP_AUDIT_SIGNING_KEY itself.
    "audit_signing_key_file": (_text(), ""),
    "audit_signing_key": (_signing_key, ""),
    "audit_checkpoint_dir": (_text(), ""),
    "reports_pack_keep_days": (_positive, 7),
    # Hostile workbooks (issue 12): sized for a register of 5,000 members with years of history.
    "imports_max_cells": (_positive, 2_000_000),
    "imports_max_unzipped_mb": (_positive, 200),
    "imports_max_seconds": (_positive, 120),
    # Retention (FPPT.md section 7; config.example.toml [retention]).
    "retention_leaver_age_years": (_non_negative, None),
    "retention_evidence_years": (_evidence_years, {}),
    # Competency frameworks by year (issue 14; docs/catalogue.md): folders searched before the package's own.
    "frameworks_search_path": (_folders, ()),
    # The organisation's own checks (issue 14; docs/catalogue.md), after the standard ones.
    "checks_local": (_local_checks, ()),
    "annual_statement": (_text(blank=False), (
        "I confirm that the board members listed have been assessed against the Fit and Proper Person "
        "Test Framework, and that the outcomes recorded here are a true account of those assessments.")),
}
ENV_PREFIX = "FPP_"
MIN_SECRET_BYTES = 32


@dataclass(frozen=True)
class Settings:
    """The effective configuration, as a plain mapping plus helpers."""

    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    @property
    def data_dir(self) -> Path:
        return Path(self.values["data_dir"])

    @cached_property
    def rules(self) -> Rules:
        """The rules and the catalogue (standard checks, then local ones), made once per settings."""
        base = Rules()
        return Rules(
            warning_window_days=self["rules_warning_window_days"],
            appraisal_after_months=self["rules_appraisal_after_months"],
            leaver_reference_days=self["rules_leaver_reference_days"],
            interim_cover_weeks=self["rules_interim_cover_weeks"],
            validity_months={**base.validity_months, **self["rules_validity_months"]},
            catalogue=base.catalogue + tuple(self["checks_local"]),
        )


def _flatten(data: dict, prefix: str = "") -> dict[str, Any]:
    flat = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and name not in SCHEMA:
            flat.update(_flatten(value, name + "_"))
        else:
            flat[name] = value
    return flat


def _parse(source: str, raw: dict[str, Any]) -> dict[str, Any]:
    parsed = {}
    for key, value in raw.items():
        if key not in SCHEMA:
            raise ConfigError(f"{source}: unknown configuration key {key!r}")
        try:
            parsed[key] = SCHEMA[key][0](value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{source}: bad value for {key!r}: {exc}") from None
    return parsed


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return _flatten(tomllib.load(fh))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _read_env(environ: dict[str, str]) -> dict[str, Any]:
    raw = {}
    for name, value in environ.items():
        if name.startswith(ENV_PREFIX) and name not in {"FPP_CONFIG", "FPP_TEST_DATABASE_URL"}:
            raw[name[len(ENV_PREFIX):].lower()] = value
    return raw


def load_settings(config_path: str | os.PathLike | None = None, overrides: dict | None = None,
                  environ: dict[str, str] | None = None) -> Settings:
    """Merge defaults, the TOML file, FPP_* variables and `overrides`; raise ConfigError on anything odd."""
    environ = dict(os.environ if environ is None else environ)
    values = {key: default for key, (_, default) in SCHEMA.items()}
    explicit = config_path or environ.get("FPP_CONFIG")
    path = Path(explicit or "config.toml")
    if path.exists():
        values.update(_parse(str(path), _read_file(path)))
    elif explicit:
        raise ConfigError(f"{path}: configuration file not found")
    values.update(_parse("environment", _read_env(environ)))
    values.update(_parse("overrides", dict(overrides or {})))
    return Settings(_finish(values))


def _finish(values: dict[str, Any]) -> dict[str, Any]:
    data_dir = Path(values["data_dir"]).resolve()
    values["data_dir"] = str(data_dir)
    if not values["database_url"]:
        values["database_url"] = f"sqlite:///{data_dir / 'fpp.sqlite3'}"
    codes = set(CHECK_CODES) | {check.code for check in values["checks_local"]}
    unknown = sorted(set(values["retention_evidence_years"]) - codes)
    if unknown:
        raise ConfigError(f"bad value for 'retention_evidence_years': unknown check code {unknown[0]!r}")
    if values["retention_leaver_age_years"] is None:  # [rules] retention_age_years keeps working one release
        values["retention_leaver_age_years"] = values["rules_retention_age_years"] or 75
    values["rules_retention_age_years"] = values["retention_leaver_age_years"]
    if not values["audit_checkpoint_dir"]:
        values["audit_checkpoint_dir"] = str(data_dir / "checkpoints")
    if values["session_cookie_secure"] is None:
        values["session_cookie_secure"] = values["env"] == "production"
    if not values["secret_key"]:
        if values["env"] == "production":
            raise ConfigError("secret_key: the app refuses to start in production without FPP_SECRET_KEY")
        values["secret_key"] = _local_secret(data_dir)
    if values["env"] == "production" and len(values["secret_key"].encode()) < MIN_SECRET_BYTES:
        raise ConfigError(f"secret_key: in production FPP_SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes "
                          "(for example: python -c 'import secrets; print(secrets.token_hex(32))')")
    if not values["audit_signing_key"] and not values["audit_signing_key_file"]:
        if values["env"] == "production":
            raise ConfigError("audit_signing_key: in production the audit trail's key comes from the secret "
                              "store (FPP_AUDIT_SIGNING_KEY, or [audit] signing_key_file outside the data "
                              "folder); `fpp audit new-key` prints one")
        values["audit_signing_key_file"] = str(data_dir / "audit_signing_key.pem")
    return values


def _local_secret(data_dir: Path) -> str:
    """A signing key generated once and kept in the data folder, for local use only."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
