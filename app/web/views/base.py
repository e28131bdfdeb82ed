"""The shared base of every entity screen: permissions, row-level scope, labels, errors."""

from contextlib import suppress

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.const import FLAMSG_ERR_SEC_ACCESS_DENIED
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.widgets import ShowWidget
from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _
from sqlalchemy.types import JSON, Boolean
from sqlalchemy.types import Enum as EnumType
from werkzeug.routing import BuildError
from wtforms import BooleanField, DateField, DateTimeField, DecimalField, StringField
from wtforms.validators import Optional

from app.core.entities import ENTITIES
from app.core.labels import FIELD_LABELS, TITLES
from app.core.models.base import FILLED_BY_SERVICE
from app.core.permissions import METHOD_PERMISSIONS, READ
from app.core.roles import PERSON_FIELDS
from app.core.services.audit import AUDITED
from app.core.services.errors import DomainError
from app.core.services.history import history
from app.core.visible import is_scoped
from app.web.security.scope import EligibleUserFilter, ScopeFilter
from app.web.views import named_search, remote_select
from app.web.views.datamodel import QmsInterface
from app.web.views.export_list import ExportListMixin
from app.web.views.fields import (
    ChoiceField,
    HiddenField,
    JSONField,
    LocalDateField,
    LocalDateTimeField,
    LocalNumberField,
)
from app.web.views.formatters import blank, choice_labels, yes_no
from app.web.views.import_list import ImportListMixin
from app.web.views.per_request import per_request_filters
from app.web.views.saving import KeepsFormOnError

# FAB's generated fields → the same values typed in the user's language.
LOCAL_FIELDS = {
    DateField: LocalDateField,
    DateTimeField: LocalDateTimeField,
    DecimalField: LocalNumberField,
}


def _setting(name: str):
    """A form default read from the configuration when the form is built."""
    return lambda: current_app.config[name]


def _title(template, entity):
    return LazyString(lambda: gettext(str(template), entity=str(entity)))


def enum_columns(model) -> dict:
    return {
        column.key: column
        for column in model.__table__.columns
        if isinstance(column.type, EnumType)
    } | {
        prop.key: prop.columns[0]
        for prop in model.__mapper__.column_attrs
        if isinstance(prop.columns[0].type, EnumType)
    }


def scoped_relations(model) -> dict:
    """Drop-down filters: a related field lists only the records the user may see, and a
    person field (owner, assignee, …) only the users the user may name there."""
    relations = {}
    for rel in model.__mapper__.relationships:
        if is_scoped(rel.mapper.class_):
            relations[rel.key] = [["id", ScopeFilter, None]]
        elif (model.__name__, rel.key) in PERSON_FIELDS:
            relations[rel.key] = [["id", EligibleUserFilter, (model.__name__, rel.key)]]
    return relations


# The declared screens by (entity key, variant): the last class declared for a pair wins,
# so that a screen may refine another of the same place.
SCREENS: dict[tuple[str, str], type] = {}


class QmsShowWidget(ShowWidget):
    """FAB's record page with Edit and Delete beside the actions."""

    template = "show_widget.html"


class QmsModelView(ExportListMixin, ImportListMixin, KeepsFormOnError):
    """A generated CRUD screen limited to the user's rows, with translated labels, an
    Excel export of its list and, for an entity with an import key, its import."""

    show_widget = QmsShowWidget
    add_template = "qms_add.html"
    edit_template = "qms_edit.html"

    method_permission_name = METHOD_PERMISSIONS
    page_size = 25
    show_template = "show_with_history.html"
    # FAB's own ("Changed Row") read as database jargon, and badly in Russian.
    add_row_message = _("Saved: the record is added.")
    edit_row_message = _("Saved.")
    delete_row_message = _("Deleted.")
    base_filters = [["id", ScopeFilter, None]]
    # The search's active filters are set while serving a request: each request its own.
    _filters = per_request_filters()
    # The entity shown (its key in app/core/entities/) and, for a second screen of the
    # same entity, which one ("mine", "awaiting"); the model and permission come from there.
    entity_key = ""
    variant = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.entity_key:
            entity = ENTITIES[cls.entity_key]
            cls.datamodel = QmsInterface(entity.model)
            cls.class_permission_name = entity.permission
            # The fields come from the registry; a screen that names its own keeps them.
            for name, value in entity.shown().columns().items():
                if name not in vars(cls):
                    setattr(cls, name, value)
            SCREENS[(cls.entity_key, cls.variant)] = cls

    def __init__(self, **kwargs):
        model = self.datamodel.obj
        self.label_columns = {**FIELD_LABELS, **(self.label_columns or {})}
        enums = enum_columns(model)
        extra = {
            name: ChoiceField(
                column.type.enum_class, label=FIELD_LABELS.get(name), nullable=column.nullable
            )
            for name, column in enums.items()
        }
        # The version the form was loaded with goes back with the save (optimistic locking).
        if hasattr(model, "version") and self.edit_columns:
            self.edit_columns = [*self.edit_columns, "version"]
            self.edit_form_extra_fields = {
                "version": HiddenField(),
                **(self.edit_form_extra_fields or {}),
            }
        # FAB puts DataRequired on non-nullable columns, which refuses an unticked box.
        extra |= {
            column.key: BooleanField(FIELD_LABELS.get(column.key), default=False)
            for column in model.__table__.columns
            if isinstance(column.type, Boolean) and not column.nullable
        }
        extra |= {
            column.key: StringField(
                FIELD_LABELS.get(column.key),
                validators=[Optional()],
                default=_setting(column.info[FILLED_BY_SERVICE]),
            )
            for column in model.__table__.columns
            if FILLED_BY_SERVICE in column.info
        }
        extra |= {
            column.key: JSONField(FIELD_LABELS.get(column.key), render_kw={"rows": 8})
            for column in model.__table__.columns
            if isinstance(column.type, JSON)
        }
        # FAB adds every extra field to its form: offer each only where its column is listed.
        self.add_form_extra_fields = {
            **{name: field for name, field in extra.items() if name in (self.add_columns or ())},
            **(self.add_form_extra_fields or {}),
        }
        self.edit_form_extra_fields = {
            **{name: field for name, field in extra.items() if name in (self.edit_columns or ())},
            **(self.edit_form_extra_fields or {}),
        }
        self.formatters_columns = {
            **{name: choice_labels(column.type.enum_class) for name, column in enums.items()},
            **(self.formatters_columns or {}),
        }
        self.formatters_columns = {
            **{
                column.key: yes_no
                for column in model.__table__.columns
                if isinstance(column.type, Boolean)
            },
            **self.formatters_columns,
        }
        self.formatters_columns = {
            **{prop.key: blank for prop in model.__mapper__.attrs},
            **self.formatters_columns,
        }
        entity = ENTITIES[self.entity_key]
        one, many = entity.one, entity.many
        self.list_title = self.list_title or many
        for attribute, template in TITLES.items():
            setattr(self, attribute, getattr(self, attribute) or _title(template, one))
        # A screen's own choice filters narrow the row scope's, never replace them.
        relations = scoped_relations(model)
        self.search_form_extra_fields = {
            **named_search.search_fields(model, self.search_columns),
            **(self.search_form_extra_fields or {}),
        }
        for attribute in (
            "add_form_query_rel_fields",
            "edit_form_query_rel_fields",
            "search_form_query_rel_fields",
        ):
            own = getattr(self, attribute) or {}
            setattr(
                self,
                attribute,
                {
                    name: relations.get(name, []) + own.get(name, [])
                    for name in {**relations, **own}
                },
            )
        super().__init__(**kwargs)
        named_search.install(self)
        # A new record's required links start blank: FAB preselects the first record of the
        # list (the first client), which a hurried save then keeps. Blank is refused.
        # The empty choice reads "—" (FAB's showed "__None").
        for form in (self.add_form, self.edit_form):
            for field in vars(form).values():
                local = LOCAL_FIELDS.get(getattr(field, "field_class", None))
                if local is not None:  # typed in the user's language, not by FAB's picker
                    field.field_class = local
                    field.kwargs.pop("widget", None)
                if getattr(field, "field_class", None) is QuerySelectField:
                    required = not field.kwargs.get("allow_blank")
                    if form is self.add_form:
                        field.kwargs["allow_blank"] = True
                    field.kwargs["blank_text"] = _("— choose —") if required else "—"
        remote_select.install(self)

    def render_template(self, template, **kwargs):
        """Show pages carry the record's history from the audit trail, and whatever
        `show_extras` adds for the record; lists carry their export link."""
        if template == self.list_template:
            kwargs["export_url"] = self.export_url()
            kwargs["import_url"] = self.import_url()
        if template == self.show_template and "pk" in kwargs:
            entity = AUDITED.get(self.datamodel.obj)
            if entity is not None:
                kwargs["history"] = history(
                    self.datamodel.session,
                    self.datamodel.obj,
                    entity,
                    int(kwargs["pk"]),
                    self.label_columns,
                    self.formatters_columns,
                )
            kwargs["print_forms"] = self.print_forms(kwargs["pk"])
            kwargs.update(self.show_extras(kwargs["pk"]))
        return super().render_template(template, **kwargs)

    def show_extras(self, pk) -> dict:
        """Template values a screen's show page adds for the record (buttons, links)."""
        return {}

    def _get_show_widget(self, pk, item, **kwargs):
        """A record's page offers only the actions that apply to it (FAB offers every one,
        and an empty choice would make it fall back to all of them)."""
        widgets = super()._get_show_widget(pk, item, **kwargs)
        arguments = widgets["show"].template_args
        arguments["actions"] = {
            name: each for name, each in self.actions.items() if self.action_applies(name, item)
        }
        may = self.appbuilder.sm.has_access
        for method, key in (("edit", "edit_url"), ("delete", "delete_url")):
            if may(f"can_{METHOD_PERMISSIONS[method]}", self.class_permission_name):
                with suppress(BuildError):  # a read-only screen serves no such route
                    arguments[key] = url_for(f"{self.endpoint}.{method}", pk=pk)
        return widgets

    def action_applies(self, name: str, item) -> bool:  # noqa: ARG002
        """Whether the action `name` can be taken on `item` (a screen narrows this)."""
        return True

    def approve_each(self, items, approve) -> object:
        """`approve(item)` for each selected record on its own, committed one by one: those
        that can be approved are, the others are named with the reason (one refusal does
        not undo the rest); back to the list."""
        items = items if isinstance(items, list) else [items]
        approved, refused = [], []
        for item in items:
            try:
                approve(item)
                self.datamodel.session.commit()
                approved.append(str(item))
            except DomainError as error:
                self.datamodel.session.rollback()
                refused.append(f"{item}: {error.text()}")
        if approved:
            flash(str(_("Approved: %(names)s.", names=", ".join(approved))), "success")
        for reason in refused:
            flash(str(_("Not approved: %(reason)s", reason=reason)), "danger")
        return redirect(self.get_redirect())

    # FAB's download of uploaded files: qms-crm has no uploads (the route is not exposed,
    # so /<view>/download/<name> is a 404 rather than a KeyError for UPLOAD_FOLDER).
    def download(self, filename):  # noqa: ARG002
        abort(404)

    @expose("/choices/<field>")
    @has_access
    def choices(self, field):
        """The records a form's link to an entity of many rows may name, by the start of
        their name (remote_select)."""
        return jsonify(remote_select.choices(self, field))

    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name, pk):
        """FAB's action on one record, for declared actions and records in scope only
        (FAB looks the record up without the row scope, and fails on an unknown name)."""
        # A GET (refused by FAB when CSRF protection is on) is sent back before any lookup.
        if self.is_get_mutation_allowed() and (
            name not in self.actions or self.visible(pk) is None
        ):
            abort(404)
        return super().action(name, pk)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        """FAB's action on the selected records: a declared action, on the selected records
        within the user's scope (others are left out, as if not selected)."""
        if request.form.get("action") not in self.actions:
            abort(404)
        permission = self.get_action_permission_name(request.form["action"])
        if not self.appbuilder.sm.has_access(permission, self.class_permission_name):
            flash(str(FLAMSG_ERR_SEC_ACCESS_DENIED), "danger")
            return redirect(self.get_redirect())
        items = [self.visible(pk) for pk in request.form.getlist("rowid")]
        return self.actions[request.form["action"]].func([item for item in items if item])

    def post_add_redirect(self):
        return self._to_saved() or super().post_add_redirect()

    def post_edit_redirect(self):
        return self._to_saved() or super().post_edit_redirect()

    def _to_saved(self):
        """After a save, the saved record's page (FAB went back to whatever page was
        visited before the form). Kept on `g`: the view is shared by every request."""
        if g.get("qms_saved") is None:
            return None
        try:
            return redirect(url_for(f"{self.endpoint}.show", pk=g.qms_saved))
        except BuildError:  # a screen without record pages
            return None


class ReadOnlyView(QmsModelView):
    """A screen for records nobody edits (the audit trail, the security log): list and show
    only, for whoever holds the read permission, with no row scope."""

    base_permissions = [f"can_{READ}"]
    base_filters = []
    show_template = "appbuilder/general/model/show.html"
