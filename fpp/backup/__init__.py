"""Backup and restore (`fpp backup`, `fpp restore`): one archive of the database and the evidence files."""
