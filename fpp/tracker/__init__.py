"""Tracker import: reading the spreadsheets secretaries keep, mapping columns, planning the import."""
