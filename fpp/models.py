"""Every model, imported once so the metadata (Alembic, tests) is complete. Features add their module here."""
from fpp.annual import models as annual_models  # noqa: F401
from fpp.audit import models as audit_models  # noqa: F401
from fpp.auth import models as auth_models  # noqa: F401
from fpp.people import models as people_models  # noqa: F401
from fpp.register import models as register_models  # noqa: F401
from fpp.imports import models as import_models  # noqa: F401
from fpp.reminders import models as reminder_models  # noqa: F401
from fpp.reports import models as report_models  # noqa: F401
from fpp.retention import models as retention_models  # noqa: F401
