"""A form's link to an entity of many rows (an invoice's client among a million) is chosen by
typing: the drop-down holds only the chosen record, and asks the screen's `choices`
endpoint for the records whose name holds what was typed, within the user's row
scope (select2, served by FAB). FAB's field put every record of the scope into the page: the
invoice form of a manager of 166,000 clients took 63 s and weighed 10 MB.

The chosen record is read back by its id through the same scope, so a forged id of another
manager's client is refused as no valid choice."""

from __future__ import annotations

import sqlalchemy as sa
from flask import request, url_for
from flask_appbuilder.fields import QuerySelectField
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from markupsafe import Markup, escape
from wtforms.validators import StopValidation

from app.core.entities import ENTITIES
from app.extensions import db

# A posted id that is not among the records the user may choose (another manager's
# client, one deleted meanwhile, a forged form).
NOT_OFFERED = _("That record is not among those you may choose here.")
# The most records one answer offers (select2 asks for the next page as the user scrolls).
PAGE = 20


def many_rows(model) -> bool:
    return any(entity.model is model and entity.many_rows for entity in ENTITIES)


def scoped(related, rel_filters) -> sa.Select:
    """The related model's records the current user may link to (the row scope's filters
    and the form's own, applied per request)."""
    filters = related.get_filters().add_filter_list(rel_filters)
    return filters.apply_all(sa.select(related.obj))


class RemoteSelectWidget:
    """A <select> with only the blank and the chosen option; select2 fills it as one types
    (app/static/js/remote_select.js)."""

    def __call__(self, field, **kwargs):
        attributes = {
            "id": kwargs.pop("id", field.id),
            "name": field.name,
            "class": "form-control qms-remote-select",
            "data-choices": url_for(field.choices_endpoint, field=field.short_name),
            "data-placeholder": field.blank_text or gettext("Type to search"),
            "data-searching": gettext("Searching…"),
            "data-none": gettext("No name holds that"),
        }
        if field.depends_on:
            attributes["data-depends"] = field.depends_on
        if field.flags.required:
            attributes["required"] = "required"
        options = [Markup('<option value="__None"></option>')]
        if field.data is not None:
            options.append(
                Markup('<option value="{}" selected>{}</option>').format(
                    field.get_pk_func(field.data), str(field.data)
                )
            )
        shown = " ".join(f'{key}="{escape(value)}"' for key, value in attributes.items())
        return Markup(f"<select {shown}>") + Markup("").join(options) + Markup("</select>")


class RemoteSelectField(QuerySelectField):
    """FAB's related field, reading one record (the chosen) instead of all of them."""

    widget = RemoteSelectWidget()

    def __init__(self, *args, load=None, choices_endpoint="", depends_on="", **kwargs):
        super().__init__(*args, **kwargs)
        self.load, self.choices_endpoint, self.depends_on = load, choices_endpoint, depends_on

    def _get_data(self):
        if self._formdata is not None:
            self._set_data(self.load(self._formdata))
            self._chosen = True
        return self._data

    data = property(_get_data, QuerySelectField._set_data)

    def _get_object_list(self):
        return [] if self.data is None else [(str(self.get_pk_func(self.data)), self.data)]

    def pre_validate(self, form):
        chosen = self.data
        if getattr(self, "_chosen", False) and chosen is None:
            raise StopValidation(str(NOT_OFFERED))


def loader(related, rel_filters):
    """Reads the record of a posted id, if the user may link to it."""

    def load(pk: str):
        try:
            wanted = int(pk)
        except (TypeError, ValueError):
            return None
        return db.session.scalars(
            scoped(related, rel_filters).where(related.obj.id == wanted)
        ).first()

    return load


def install(view) -> None:
    """Turn the add and edit forms' links to entities of many rows into remote selects."""
    for form, rel_fields in (
        (view.add_form, view.add_form_query_rel_fields or {}),
        (view.edit_form, view.edit_form_query_rel_fields or {}),
    ):
        names = set(vars(form))
        for name, field in vars(form).items():
            if getattr(field, "field_class", None) is not QuerySelectField:
                continue
            related = view.datamodel.get_related_interface(name)
            if not many_rows(related.obj):
                continue
            field.field_class = RemoteSelectField
            field.kwargs.pop("widget", None)
            field.kwargs["load"] = loader(related, rel_fields.get(name, []))
            field.kwargs["choices_endpoint"] = f"{type(view).__name__}.choices"
            # A contact is offered among the chosen client's.
            if name != "client" and "client" in names and hasattr(related.obj, "client_id"):
                field.kwargs["depends_on"] = "client"


def choices(view, name: str) -> dict:
    """select2's answer: the records of the field `name` whose name holds `q` (those that
    start with it first), within the user's scope (and the chosen client's, for a
    contact); page `page`."""
    rel_fields = view.add_form_query_rel_fields or {}
    on_form = name in (view.add_columns or []) or name in (view.edit_columns or [])
    if not on_form or not view.datamodel.is_relation_many_to_one(name):
        return {"results": [], "pagination": {"more": False}}
    related = view.datamodel.get_related_interface(name)
    model = related.obj
    if not many_rows(model):
        return {"results": [], "pagination": {"more": False}}
    named = getattr(model, model.display_field)
    text = request.args.get("q", "")[:100]
    # Anywhere in the name ("Альфа" finds АО «Альфа»); those starting with it first.
    statement = scoped(related, rel_fields.get(name, [])).where(
        named.icontains(text, autoescape=True)
    )
    client = request.args.get("client", "")
    if client.isdigit() and hasattr(model, "client_id"):
        statement = statement.where(model.client_id == int(client))
    asked = request.args.get("page", "1")
    page = min(int(asked), 1000) if asked.isdigit() and int(asked) > 0 else 1
    if hasattr(model, "client"):  # a contact reads "name — client"
        statement = statement.options(sa.orm.selectinload(model.client))
    found = db.session.scalars(
        statement.order_by(~named.istartswith(text, autoescape=True), named, model.id)
        .offset((page - 1) * PAGE)
        .limit(PAGE + 1)
    ).all()
    return {
        "results": [{"id": each.id, "text": str(each)} for each in found[:PAGE]],
        "pagination": {"more": len(found) > PAGE},
    }
