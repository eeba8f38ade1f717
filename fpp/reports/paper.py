"""The annual declaration on paper, for the regional director: a printable page and the same as a PDF.

The paper states what was signed (or, while unsigned, what would be): the organisation, the year, the
statement, each member with their outcome, the signature (by, on, version, content hash) and the
fingerprint of the audit signing key, so that checkpoints and packs can be checked against it.
The PDF is made with WeasyPrint from the page's HTML and fpp.css's print rules; WeasyPrint needs Pango
(installed by .ci/run): where it cannot load, `pdf_unavailable()` says why and the page still prints.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from checks.annual import ASSESSMENT_OUTCOME_LABELS
from checks.people import POSITION_LABELS
from checks.years import year_bounds, year_label
from fpp.annual.declaration import declaration_state
from fpp.audit.keys import fingerprint, load_signing_key, public_key_text
from fpp.extensions import settings
from fpp.templating import STATUS_LABELS

STATIC = Path(__file__).resolve().parent.parent / "static"


@dataclass(frozen=True)
class PaperMember:
    name: str
    member_id: str
    position: str
    outcome: str
    decided: str  # "on 10/03/2026 by Clara Chair", or ""
    status: str  # the overall status at their year end, in words


@dataclass(frozen=True)
class Paper:
    organisation: str
    year: int
    year_label: str
    period_start: date
    period_end: date
    statement: str
    members: list[PaperMember]
    state: str  # unsigned, signed or stale
    version: int | None
    signed_by: str | None
    signed_on: date | None
    signed_at: object
    content_hash: str | None  # of what was signed; None while unsigned
    changes: list[str]  # what changed since signing, when stale
    trail_count: int | None
    trail_head: str | None
    key_fingerprint: str
    key_text: str


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _member(m: dict) -> PaperMember:
    decided_on = _day(m.get("decided_on"))
    decided = ""
    if decided_on:
        decided = f"on {decided_on:%d/%m/%Y}" + (f" by {m['decided_by']}" if m.get("decided_by") else "")
    return PaperMember(m["name"], m["member_id"], POSITION_LABELS.get(m["position"], m["position"]),
                       ASSESSMENT_OUTCOME_LABELS.get(m.get("outcome"), "No outcome recorded"), decided,
                       STATUS_LABELS.get(m.get("overall_status"), m.get("overall_status") or ""))


def declaration_paper(year: int) -> Paper:
    """The paper for the year: the latest signed version's own content, or the content now if unsigned."""
    state = declaration_state(year)
    latest = state.latest
    content = json.loads(latest.content) if latest else state.content
    start, end = year_bounds(year)
    key = load_signing_key(settings())
    code = "unsigned" if latest is None else ("stale" if state.is_stale else "signed")
    return Paper(
        organisation=content.get("organisation") or settings()["organisation_name"], year=year,
        year_label=year_label(year), period_start=start, period_end=end,
        statement=latest.statement if latest else content.get("statement", ""),
        members=[_member(m) for m in content.get("members", [])], state=code,
        version=latest.version if latest else None, signed_by=latest.signed_by_name if latest else None,
        signed_on=latest.signed_on if latest else None, signed_at=latest.signed_at if latest else None,
        content_hash=latest.content_hash if latest else None, changes=list(state.changes),
        trail_count=getattr(latest, "trail_count", None), trail_head=getattr(latest, "trail_head", None),
        key_fingerprint=fingerprint(key), key_text=public_key_text(key))


@lru_cache(maxsize=1)
def pdf_unavailable() -> str | None:
    """Why a PDF cannot be made in this process (WeasyPrint or its system libraries missing), or None."""
    try:
        import weasyprint  # noqa: F401  (loads Pango through cffi: OSError when it is missing)
    except (ImportError, OSError) as error:
        return f"WeasyPrint cannot run here ({error.__class__.__name__}: {str(error).splitlines()[0][:200]})"
    return None


def render_pdf(html: str) -> bytes:
    """The page's HTML as an A4 PDF, styled by fpp.css (its print rules); nothing is fetched from
    outside (no protocol is allowed to the fetcher), so user text cannot make the server load a URL."""
    import weasyprint
    from weasyprint.urls import URLFetcher
    fetcher = URLFetcher(allowed_protocols=["none"])
    stylesheet = weasyprint.CSS(string=(STATIC / "fpp.css").read_text(), url_fetcher=fetcher)
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])


@dataclass(frozen=True)
class DeclarationStatus:
    """Where the year's declaration stands, for the Reports page."""

    state: str  # unsigned, signed or stale
    version: int | None = None
    signed_by: str | None = None
    signed_on: date | None = None
    changes: tuple[str, ...] = ()


def declaration_status(year: int) -> DeclarationStatus:
    """Unsigned; signed (version, by, on); or stale with what changed (fpp/annual's own comparison).
    An unsigned year costs one query: its content is only built to compare with a signature."""
    from fpp.annual.declaration import latest_declaration
    if latest_declaration(year) is None:
        return DeclarationStatus("unsigned")
    state = declaration_state(year)
    latest = state.latest
    return DeclarationStatus("stale" if state.is_stale else "signed", latest.version, latest.signed_by_name,
                             latest.signed_on, tuple(state.changes))
