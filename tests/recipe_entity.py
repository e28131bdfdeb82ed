"""The recipe of docs/architecture.md, "Adding an entity", followed in a process of its own:
a throwaway model and its one declaration, then the app as `qms` builds it. Prints what a
person and a client of the API then meet, as JSON (read by tests/test_entity_recipe.py).
Not a test module: it changes the registry of the process that runs it."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import openpyxl
from flask_appbuilder import Model

from app.core.entities import ENTITIES
from app.core.models.base import sa
from app.core.models.reference import ReferenceData
from app.core.registry import REFERENCE, Entity, MenuPlace

PASSWORD = "recipe-password-123"


# Step 1: the model (and, in the product, its migration and translations).
class Gadget(ReferenceData, Model):
    """A throwaway reference list."""

    __tablename__ = "gadget"
    colour = sa.Column(sa.String(30))


# Step 2: its one declaration.
ENTITIES.declare(
    Entity(
        "gadget",
        Gadget,
        "Gadget",
        "Gadgets",
        group=REFERENCE,
        menu=(MenuPlace(265, "Gadgets", "Gadgets", "fa-cube", "Administration"),),
        register=("name", "colour"),
        import_key=("name",),
    )
)


def main(instance: Path) -> dict:
    from app import create_app
    from app.core.models import AuditLog
    from app.extensions import db
    from app.instance import initialise

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'recipe.db'}",
            "SECRET_KEY": "recipe-secret-key-that-is-long-enough-for-jwt-hs256",
            "REDIS_EMBEDDED_DIR": str(instance / "redis"),
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        initialise()
        Gadget.__table__.create(db.engine)  # in the product: its migration
        sm = app.appbuilder.sm
        for username, role in (("admin", "Admin"), ("marketing", "Marketing")):
            sm.add_user(
                username, username, "R", f"{username}@r.local", sm.find_role(role), PASSWORD
            )
        db.session.remove()

    def api(username):
        client = app.test_client()
        token = client.post(
            "/api/v1/security/login",
            json={"username": username, "password": PASSWORD, "provider": "db"},
        ).json["access_token"]
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    def screens(username):
        client = app.test_client()
        client.post("/login/", data={"username": username, "password": PASSWORD})
        return client

    admin, marketing = api("admin"), api("marketing")
    found = {"created": admin.post("/api/v1/gadget/", json={"name": "Sprocket"}).status_code}
    listed = admin.get("/api/v1/gadget/").json
    gadget_id = listed["ids"][0]
    found["listed"] = [row["name"] for row in listed["result"]]
    found["edited"] = admin.put(
        f"/api/v1/gadget/{gadget_id}", json={"colour": "red", "version": 1}
    ).status_code
    found["marketing_reads"] = marketing.get("/api/v1/gadget/").status_code
    found["marketing_writes"] = marketing.post("/api/v1/gadget/", json={"name": "X"}).status_code
    export = admin.get("/api/v1/gadget/export/xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.data), read_only=True).active
    found["export_title"] = next(sheet.iter_rows(values_only=True))[0]
    found["exported"] = any(
        row[:2] == ("Sprocket", "red") for row in sheet.iter_rows(values_only=True)
    )
    admin_screens, marketing_screens = screens("admin"), screens("marketing")
    home = admin_screens.get("/").get_data(as_text=True)
    found["in_menu"] = "/gadgetview/list/" in home
    found["screen"] = admin_screens.get("/gadgetview/list/").status_code
    found["marketing_add_screen"] = marketing_screens.get("/gadgetview/add").status_code
    found["deleted"] = admin.delete(f"/api/v1/gadget/{gadget_id}").status_code
    with app.app_context():
        trail = db.session.execute(
            sa.select(AuditLog.action).where(AuditLog.entity == "gadget").order_by(AuditLog.seq)
        )
        found["audited"] = [str(getattr(action, "value", action)) for (action,) in trail]
    return found


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
