"""Entities: the reference lists an administrator keeps."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from app.core.models import (
    Branch,
    Department,
    Industry,
    LossReason,
    Segment,
    Source,
)
from app.core.registry import (
    REFERENCE,
    Entity,
    Fields,
    MenuPlace,
)

DECLARED: list[Entity] = []
declare = DECLARED.append

# Reference lists: a name (a branch also has its head), sorted by name.
for _position, _model, _one, _many, _name, _icon, _fields in (
    (220, Branch, _("Branch"), _("Branches"), "Branches", "fa-sitemap", ("name", "head")),
    (230, Department, _("Department"), _("Departments"), "Departments", "fa-users", ("name",)),
    (240, Industry, _("Industry"), _("Industries"), "Industries", "fa-industry", ("name",)),
    (250, Source, _("Source"), _("Sources"), "Sources", "fa-bullhorn", ("name",)),
    (260, Segment, _("Segment"), _("Segments"), "Segments", "fa-layer-group", ("name",)),
    (
        265,
        LossReason,
        _("Loss reason"),
        _("Loss reasons"),
        "Loss reasons",
        "fa-user-slash",
        ("name",),
    ),
):
    declare(
        Entity(
            _model.__tablename__,
            _model,
            _one,
            _many,
            group=REFERENCE,
            fields=Fields(search=("name",), add=_fields, order=("name",), sort=("name", "asc")),
            menu=(MenuPlace(_position, _name, _many, _icon, "Administration"),),
            import_key=("name",),
        )
    )
