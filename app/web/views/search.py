"""The search box of the navbar: what the text finds among clients, invoices, complaints
and contacts the user sees; the one record itself when it finds just one."""

from __future__ import annotations

from flask import g, redirect, request
from flask_appbuilder import BaseView, expose, has_access

from app.core.entities import ENTITIES
from app.core.permissions import METHOD_PERMISSIONS
from app.core.search import search
from app.web.views.home.parts import Filter, list_url
from app.web.views.task import record_url


def _record_url(key: str, record) -> str | None:
    return record_url(key, record.id)


class SearchView(BaseView):
    """/search/?q=: results by kind, each a link to its record."""

    route_base = "/search"
    # Every role reads its own tasks; what each finds is checked kind by kind.
    class_permission_name = "Task"
    default_view = "find"
    method_permission_name = {"find": METHOD_PERMISSIONS["find"]}

    @expose("/")
    @has_access
    def find(self):
        text = request.args.get("q", "").strip()
        results = search(text, g.user)
        found = [(result, ENTITIES[result.entity]) for result in results if result.records]
        if len(found) == 1 and len(found[0][0].records) == 1 and not found[0][0].more:
            result = found[0][0]
            return redirect(_record_url(result.entity, result.records[0]))
        more = {
            "client": lambda: list_url("ClientView", (Filter("name", "sw", text),)),
        }
        return self.render_template(
            "search.html",
            text=text,
            found=found,
            searched=len(text) >= 2,
            record_url=_record_url,
            more={key: make() for key, make in more.items()},
        )
