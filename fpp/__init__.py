"""The FPP register: the Flask app, persistence, CLI and scheduler (the imperative shell)."""
