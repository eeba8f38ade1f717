"""Reminders, the mail outbox, the scheduler process and the calendar feed (issue 5)."""
