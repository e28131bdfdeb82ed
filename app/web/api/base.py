"""The shared base of every REST resource: field lists from the entity's view, scope, errors."""

import json

from flask import request
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _
from werkzeug.exceptions import BadRequest

from app.core.labels import FIELD_LABELS
from app.core.permissions import METHOD_PERMISSIONS, READ
from app.core.services.errors import DomainError
from app.web.api.export_endpoint import ExportEndpointMixin
from app.web.api.schema import QmsModel2SchemaConverter
from app.web.security.scope import ScopeFilter
from app.web.views import screen_of
from app.web.views.base import scoped_relations
from app.web.views.datamodel import QmsInterface
from app.web.views.per_request import per_request_filters, per_request_schema


def record_operation(summary: str, answer: str, body: dict | None = None):
    """The OpenAPI description of a POST that acts on one record (/<pk>/<operation>), as
    the docstring FAB reads it from (YAML after "---"; JSON is YAML): the record's id, the
    JSON body if it takes one, and its answers. Innermost decorator: FAB's own copy the
    docstring when they wrap."""

    def describe(function):
        post: dict = {"parameters": [{"in": "path", "schema": {"type": "integer"}, "name": "pk"}]}
        if body is not None:
            content = {"application/json": {"schema": body}}
            post["requestBody"] = {"required": True, "content": content}
        refused = {code: {"$ref": f"#/components/responses/{code}"} for code in (403, 404, 422)}
        post["responses"] = {200: {"description": answer}, **refused}
        function.__doc__ = f"{summary}\n---\n{json.dumps({'post': post}, indent=2)}"
        return function

    return describe


def _expand(model, columns) -> list[str]:
    """A relationship is shown as its id and its display field (`owner.username`)."""
    relationships = model.__mapper__.relationships
    expanded = []
    for column in columns:
        if column in relationships:
            related = relationships[column].mapper.class_
            display = "username" if related is User else getattr(related, "display_field", "id")
            expanded += (
                [f"{column}.id", f"{column}.{display}"] if display != "id" else [f"{column}.id"]
            )
        else:
            expanded.append(column)
    return expanded


class QmsModelRestApi(ExportEndpointMixin, ModelRestApi):
    """`/api/v1/<resource>/`, with the same permission name and row scope as the screen,
    and the list's Excel export."""

    method_permission_name = METHOD_PERMISSIONS
    model2schemaconverter = QmsModel2SchemaConverter
    base_filters = [["id", ScopeFilter, None]]
    allow_browser_login = True
    # The screen whose fields the resource serves: by default its entity's main screen
    # (the entity being the resource name).
    view = None
    entity_key = ""
    variant = ""
    # Built once by FAB, changed while serving a request: each request gets its own.
    list_model_schema = per_request_schema()
    show_model_schema = per_request_schema()
    add_model_schema = per_request_schema()
    edit_model_schema = per_request_schema()
    _filters = per_request_filters()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "resource_name" not in cls.__dict__:
            return
        cls.entity_key = cls.resource_name
        view = cls.view = screen_of(cls.resource_name)
        if view.base_permissions and "base_permissions" not in cls.__dict__:
            cls.base_permissions = view.base_permissions
        model = view.datamodel.obj
        cls.datamodel = QmsInterface(model)
        cls.class_permission_name = view.class_permission_name
        cls.list_columns = ["id"] + _expand(model, view.list_columns)
        versioned = ["version"] if hasattr(model, "version") else []
        cls.show_columns = ["id"] + _expand(model, view.show_columns) + versioned
        cls.add_columns = list(view.add_columns or [])
        cls.edit_columns = list(view.edit_columns or []) + (versioned if view.edit_columns else [])
        cls.search_columns = list(view.search_columns)
        cls.order_columns = ["id"] + list(view.order_columns or [])
        cls.base_order = view.base_order
        # Only the resource's own fields: FAB translates every label on every answer.
        named = {name.split(".")[0] for name in cls.list_columns + cls.show_columns}
        named |= set(cls.add_columns) | set(cls.edit_columns) | set(cls.search_columns)
        cls.label_columns = {name: FIELD_LABELS[name] for name in named if name in FIELD_LABELS}
        cls.add_query_rel_fields = scoped_relations(model)
        cls.edit_query_rel_fields = scoped_relations(model)

    def _init_model_schemas(self):
        super()._init_model_schemas()
        # A column with a default (status, flags) may be left out of a POST. Set on the
        # schema class, whose fields every request's copy of the schema starts from.
        columns = self.datamodel.obj.__table__.columns
        schema = self.add_model_schema
        for name, field in schema.fields.items():
            if name in columns and columns[name].default is not None:
                field.required = False
                type(schema)._declared_fields[name].required = False

    def response_400(self, message: str | None = None):
        """FAB answers a BadRequest with its text, which starts "400 Bad Request: "."""
        if message and message.startswith("400 Bad Request: "):
            message = message.removeprefix("400 Bad Request: ")
        return super().response_400(message=message)

    def _record_operation(self, pk, operation):
        """A domain operation (approve, verify) on one record the caller may see: 404 when
        not, the service's refusal with its status, else the record as saved."""
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()

        def call():
            operation(item)
            self.datamodel.session.commit()
            return self.response(200, result=self.show_model_schema.dump(item))

        return self._domain_call(call)

    def _domain_call(self, call, *args):
        try:
            return call(*args)
        except DomainError as error:
            self.datamodel.session.rollback()
            return self.response(error.status_code, message=error.messages)

    def _not_an_object(self):
        """A JSON body that is not JSON, or not an object (FAB would fail reading its
        fields: a 500)."""
        if not request.is_json:
            return None
        try:
            body = request.get_json()
        except BadRequest as error:
            return self.response_400(message=error.description)
        if not isinstance(body, dict):
            return self.response_400(message=str(_("The body must be a JSON object.")))
        return None

    def post_headless(self):
        return self._not_an_object() or self._domain_call(super().post_headless)

    def put_headless(self, pk):
        refused = self._not_an_object()
        if refused:
            return refused
        # The answer dumps the record just saved: keep its loaded values and links rather
        # than reloading them all after the commit (this request's session only).
        self.datamodel.session.expire_on_commit = False
        return self._domain_call(super().put_headless, pk)

    def _merge_update_item(self, model_item, data):
        """A PUT sends back the version it loaded; without one a stale write would pass.
        FAB 5 has no hook between reading the record (a 404 when out of scope) and filling
        the fields the client left out from it, which would fill in the stored version:
        this method, which put_headless calls there, checks first."""
        if "version" in self.edit_columns and "version" not in data:
            raise DomainError({"version": [str(_("Send back the version you loaded."))]})
        return super()._merge_update_item(model_item, data)

    def delete_headless(self, pk):
        return self._domain_call(super().delete_headless, pk)


class ReadOnlyApi(QmsModelRestApi):
    """GET only (the audit trail, the security log), with no row scope."""

    base_permissions = [f"can_{READ}"]
    base_filters = []
