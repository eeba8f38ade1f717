"""Tracker import, the impure half: presets in the database, applying a plan, the web pages and CLI.

The pure half (reading, mapping, planning) lives in ``fpp.tracker`` and never touches Flask or the
database; this package feeds it the register as plain data and turns its plan into operations.
"""
