"""A list's filter on a link to an entity of many rows (the client of an invoice, among a
million clients) is typed: a part of the linked record's name. FAB's filter offers a
drop-down of every record in the user's scope, which the list page rendered whole (20,000
options took 2.5 s on a small database; a million could not be shown at all)."""

from __future__ import annotations

from flask import current_app
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _
from wtforms import StringField

from app.core.entities import ENTITIES


class FilterRelatedContains(BaseFilter):
    """Records whose linked record's name (its display field) holds the text: a client is
    known by a word of its name more than by its legal form before it (ООО «…»)."""

    name = _("Contains")
    arg_name = "rel_ct"

    def apply(self, query, value):
        relation = getattr(self.model, self.column_name)
        target = relation.property.mapper.class_
        named = getattr(target, target.display_field)
        return query.filter(relation.has(named.icontains(str(value), autoescape=True)))


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
    """The view's filters for those links: the search offers a part of the name only.
    FAB keeps a column's filters in two tables: the search form's, and the one the address's
    `_flt_<n>_<column>` is looked up in. The name is first in both; FAB's own filters on the
    link stay in the second after it, for the add button of a record's related list
    (`set_link_filters`), which names the record by its id."""
    built = view._filters
    for name in named_links(view.datamodel.obj, view.search_columns):
        by_name = FilterRelatedContains(name, view.datamodel)
        built.get_search_filters()[name] = [by_name]
        built._all_filters[name] = [by_name, *built._all_filters.get(name, [])]


def _table_at(path: str, filters) -> dict:
    """The filter table of the screen `path` leads to (a related list's own `filters` are
    built afresh, without the name filter that screen put first)."""
    base = "/" + path.lstrip("/").split("/", 1)[0]
    for view in current_app.appbuilder.baseviews:
        if getattr(view, "route_base", None) == base and getattr(view, "_filters", None):
            return view._filters._all_filters
    return filters._all_filters


def set_link_filters(path: str, filters) -> str:
    """FAB's template filter of the same name (the add button of a related list carries the
    record it belongs to), with each filter's index in the target screen's table rather
    than FAB's fixed 0."""
    arguments = []
    table = _table_at(path, filters)
    for each, value in filters.get_filters_values():
        if each.is_related_view:
            kinds = [type(candidate) for candidate in table.get(each.column_name, [])]
            index = kinds.index(type(each)) if type(each) in kinds else 0
            arguments.append(f"_flt_{index}_{each.column_name}={value}")
    if not arguments:
        return path
    return path + ("&" if "?" in path else "?") + "&".join(arguments)
