"""The reminder policy and retry settings, built from configuration."""
from __future__ import annotations

from dataclasses import dataclass

from checks.reminders import WEEKDAYS, ReminderPolicy
from checks.years import parse_month_day
from fpp.config import ConfigError, Settings


def _month_day(settings: Settings, key: str) -> tuple[int, int]:
    """A MM-DD key as (month, day); start-up validated it, this names the key if it was changed since."""
    try:
        return parse_month_day(settings[key])
    except ValueError as error:
        raise ConfigError(f"bad value for {key!r}: {error}") from None


def reminder_policy(settings: Settings) -> ReminderPolicy:
    """The policy from the [reminders] keys and `annual_declaration_deadline`; ConfigError names a bad key."""
    return ReminderPolicy(
        expiry_lead_days=tuple(settings["reminders_expiry_lead_days"]),
        overdue_repeat_days=settings["reminders_overdue_repeat_days"],
        overdue_max_reminders=settings["reminders_overdue_max_reminders"],
        declaration_lead_days=tuple(settings["reminders_declaration_lead_days"]),
        declaration_deadline=_month_day(settings, "annual_declaration_deadline"),
        attestation_request_on=_month_day(settings, "reminders_attestation_request_on"),
        digest_weekday=WEEKDAYS.index(settings["reminders_digest_weekday"]),
        digest_horizon_days=settings["reminders_digest_horizon_days"],
    )


@dataclass(frozen=True)
class RetryPolicy:
    """How the sender retries: exponential backoff from `backoff_seconds`, capped, `max_attempts` tries."""

    max_attempts: int = 8
    backoff_seconds: int = 60
    backoff_max_seconds: int = 21600

    def delay(self, attempts: int) -> int:
        """Seconds to wait after the `attempts`-th failed try."""
        return min(self.backoff_seconds * 2 ** max(attempts - 1, 0), self.backoff_max_seconds)


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(settings["outbox_max_attempts"], settings["outbox_backoff_seconds"],
                       settings["outbox_backoff_max_seconds"])
