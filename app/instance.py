"""Setting up an instance: its database, roles, reference data and rules (`qms init`),
and the admin account with its password (`qms run`)."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask_migrate import upgrade

from app.core.services.audit import seal_head
from app.extensions import db
from app.web.security.sync import sync_permissions_and_roles
from seeds.reference import load_reference_data
from seeds.rules import load_default_rules

ADMIN_USERNAME = "admin"


def initialise() -> dict:
    """Create or upgrade the database, sync roles, load reference data (idempotent)."""
    upgrade()
    with db.engine.begin() as connection:
        seal_head(connection)
    roles = sync_permissions_and_roles()
    added = load_reference_data(db.session)
    rules = load_default_rules(db.session)
    return {
        "database": "upgraded",
        "roles_changed": roles,
        "reference_rows_added": added,
        "rules_and_calendar_added": rules,
    }


def generated_password() -> str:
    return secrets.token_urlsafe(12)


def admin_password(app) -> tuple[str, bool]:
    """QMS_ADMIN_PASSWORD, else the one generated on the first run (kept in instance/)."""
    if app.config.get("ADMIN_PASSWORD"):
        return app.config["ADMIN_PASSWORD"], True
    path = Path(app.instance_path) / "admin_password"
    if path.exists():
        return path.read_text().strip(), False
    password = generated_password()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password)
    path.chmod(0o600)
    return password, False


def ensure_admin(app, password: str, given: bool) -> None:
    sm = app.appbuilder.sm
    user = sm.find_user(username=ADMIN_USERNAME)
    if user is None:
        sm.add_user(
            ADMIN_USERNAME,
            "Admin",
            "qms-crm",
            "admin@qms-crm.local",
            sm.find_role(sm.auth_role_admin),
            password,
        )
    elif given:
        sm.reset_password(user.id, password)
