"""Pure export builders for the FPPT register: plain data in, bytes or a file out.

Nothing here imports Flask, SQLAlchemy or the app: the app fills the dataclasses of
``exports.data`` and calls the builders below.
"""

from exports.declaration import SHEET_NAMES, build_declaration_workbook
from exports.pack import (
    EvidenceIntegrityError, ManifestEntry, PackError, PackProblem, PackVerification,
    build_evidence_pack, verify_pack,
)
from exports.safe import safe_text
from exports.summary import BoardSummary, SummarySection, board_summary, build_summary_workbook, summary_lines

__all__ = [
    "SHEET_NAMES", "build_declaration_workbook", "EvidenceIntegrityError", "ManifestEntry",
    "PackError", "PackProblem", "PackVerification", "build_evidence_pack", "verify_pack",
    "safe_text", "BoardSummary", "SummarySection", "board_summary", "build_summary_workbook",
    "summary_lines",
]
