"""A list's filter on a link to an entity of many rows (the client of an invoice, among a
million clients) is typed: the start of the linked record's name. FAB's filter offers a
drop-down of every record in the user's scope, which the list page rendered whole (20,000
options took 2.5 s on a small database; a million could not be shown at all)."""

from __future__ import annotations

from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _
from wtforms import StringField

from app.core.entities import ENTITIES


class FilterRelatedStartsWith(BaseFilter):
    """Records whose linked record's name (its display field) starts with the text."""

    name = _("Starts with")
    arg_name = "rel_sw"

    def apply(self, query, value):
        relation = getattr(self.model, self.column_name)
        target = relation.property.mapper.class_
        named = getattr(target, target.display_field)
        text = str(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return query.filter(relation.has(named.ilike(f"{text}%", escape="\\")))


def named_links(model, columns) -> list[str]:
    """The search columns of `model` that link to an entity of many rows."""
    many = {entity.model for entity in ENTITIES if entity.many_rows}
    relations = model.__mapper__.relationships
    return [
        name
        for name in columns or ()
        if name in relations
        and relations[name].direction.name == "MANYTOONE"
        and relations[name].mapper.class_ in many
    ]


def search_fields(model, columns) -> dict:
    """The search form's fields for those links: a text box each."""
    return {name: StringField() for name in named_links(model, columns)}


def install(view) -> None:
    """The view's filters for those links: the start of the name only. FAB lists a
    column's filters in two tables, the form's and the one the address's `_flt_<n>_<column>`
    is looked up in; both must hold the same."""
    built = view._filters
    for name in named_links(view.datamodel.obj, view.search_columns):
        replaced = [FilterRelatedStartsWith(name, view.datamodel)]
        built.get_search_filters()[name] = replaced
        built._all_filters[name] = replaced
