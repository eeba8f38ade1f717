"""Security headers: a fresh CSP nonce on every response and no inline script without it, no framing,
nothing personal cached, HSTS in production."""
import re

from tests.fixtures.app import rolled_back_app


def _policy(response) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
            for part in (p.strip() for p in response.headers["Content-Security-Policy"].split(";")) if part}


def test_the_policy_allows_no_inline_script_and_no_framing(client):
    policy = _policy(client.get("/login"))
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["base-uri"] == "'none'" and policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"


def test_every_response_has_a_fresh_nonce_that_its_scripts_carry(client):
    first, second = client.get("/login"), client.get("/login")
    nonces = [re.search(r"'nonce-([^']+)'", r.headers["Content-Security-Policy"]).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1]
    page = second.data.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline and all(f'nonce="{nonces[1]}"' in attributes for attributes in inline)
    assert "javascript:" not in page and " style=" not in page


def test_signed_in_pages_and_downloads_are_not_stored(client, login, create_member, create_record):
    login("secretary")
    member = create_member()
    create_record(member, "identity", __import__("datetime").date(2024, 1, 1))
    for url in ("/board", f"/members/{member.id}", "/audit", "/users", "/login"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    assert "no-store" not in client.get("/static/fpp.css").headers.get("Cache-Control", "")


def test_hsts_only_in_production(client, engine, settings_overrides, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    production = {**settings_overrides, "env": "production", "secret_key": "p" * 40,
                  "audit_signing_key": "22" * 32}
    with rolled_back_app(engine, production, True, monkeypatch) as app:
        response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_data_files_are_private_to_the_register(app, client, login, create_member, create_record):
    import io
    import stat
    from pathlib import Path
    login("secretary")
    member = create_member()
    record = create_record(member, "identity", __import__("datetime").date(2024, 1, 1))
    client.post(f"/records/{record.id}/evidence", data={"evidence": (io.BytesIO(b"%PDF-1.4 x"), "id.pdf")},
                content_type="multipart/form-data")
    data = Path(app.config["DATA_DIR"])
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    written = [p for p in data.rglob("*")]
    assert written, "the upload wrote nothing"
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
