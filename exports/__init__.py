"""Workbook and pack builders: plain data in, bytes or a file out; no Flask, no database."""
