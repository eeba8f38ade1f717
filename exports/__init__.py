"""Pure export builders for the FPPT register: plain data in, bytes or a file out.

Nothing here imports Flask, SQLAlchemy or the app: the app fills ``exports.data`` and calls the
builders. See ``build_declaration_workbook``, ``build_summary_workbook``, ``board_summary``,
``build_evidence_pack`` and ``verify_pack``.
"""
