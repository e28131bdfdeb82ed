"""Screens for the departments' scorecards: each with its indicators, goals met or missed
and where each value comes from; computed again while a draft; reviewed, approved by the
head of marketing (then locked), reopened with a reason; and its workbook."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, send_file, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from app.core.kpi.scorecards import BY_INDICATOR
from app.core.models.choices import ScorecardStatus
from app.core.permissions import WRITE
from app.core.services import scorecard as service
from app.core.services.errors import DomainError
from app.web.views.base import QmsModelView
from app.web.views.local_values import show_count, show_number
from exports.scorecard_writer import COUNTS, period_name, write_scorecard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def shown_value(indicator, value) -> str:
    """A value in the reader's numbers: a count whole, the others to two places."""
    if value is None:
        return ""
    return show_count(value) if indicator in COUNTS else show_number(value)


class ScorecardLineView(QmsModelView):
    """A scorecard's indicators; those entered by hand are edited here while it is a draft."""

    entity_key = "scorecard_line"
    include_route_methods = {"list", "show", "edit", "export_xlsx"}


class ScorecardView(QmsModelView):
    """The departments' scorecards, newest first."""

    entity_key = "scorecard"
    include_route_methods = {
        "list",
        "show",
        "edit",
        "export_xlsx",
        "print_form",
        "action",
        "action_post",
        "workbook",
        "recompute",
    }
    show_template = "scorecard_show.html"

    def show_extras(self, pk) -> dict:
        scorecard = self.visible(pk)
        if scorecard is None:
            return {}
        writes = self.appbuilder.sm.has_access(f"can_{WRITE}", "ScorecardLine")
        draft = scorecard.status == ScorecardStatus.draft
        lines = []
        for line in scorecard.lines:
            meets = BY_INDICATOR[line.indicator].meets(line.value, line.goal)
            lines.append(
                {
                    "label": line.indicator.label,
                    "definition": BY_INDICATOR[line.indicator].definition,
                    "value": shown_value(line.indicator, line.value),
                    "goal": shown_value(line.indicator, line.goal),
                    "meets": meets,
                    "computed": line.computed,
                    "entered_by": line.entered_by,
                    "entered_at": line.entered_at,
                    "note": line.note or "",
                    "edit_url": url_for("ScorecardLineView.edit", pk=line.id)
                    if writes and draft and not line.computed
                    else None,
                }
            )
        may_write = self.appbuilder.sm.has_access(f"can_{WRITE}", self.class_permission_name)
        return {
            "scorecard_lines": lines,
            "workbook_url": url_for("ScorecardView.workbook", pk=scorecard.id),
            "recompute_url": url_for("ScorecardView.recompute", pk=scorecard.id)
            if may_write and draft
            else None,
        }

    def action_applies(self, name, item) -> bool:
        return name != "approve" or item.status == ScorecardStatus.reviewed

    @action(
        "approve",
        _("Approve"),
        _("Approve and lock the selected scorecards?"),
        "fa-lock",
        multiple=True,
    )
    def approve(self, items):
        """Each selected scorecard on its own, through the same checks as its form."""
        return self.approve_each(items, _approved)

    @expose("/recompute/<int:pk>", methods=["POST"])
    @has_access
    def recompute(self, pk):
        """The draft's computed indicators worked out again from today's records."""
        scorecard = self.visible(pk)
        if scorecard is None:
            abort(404)
        session = self.datamodel.session
        try:
            changed = service.recompute(session, scorecard)
            session.commit()
        except DomainError as error:
            session.rollback()
            flash(error.text(), "danger")
        else:
            flash(gettext("Computed again: %(count)s changed.", count=show_count(changed)), "info")
        return redirect(url_for("ScorecardView.show", pk=pk))

    @expose("/workbook/<int:pk>")
    @has_access
    def workbook(self, pk):
        """The scorecard, its trend and definitions as an Excel workbook."""
        scorecard = self.visible(pk)
        if scorecard is None:
            abort(404)
        target = io.BytesIO()
        write_scorecard(scorecard, target, str(self.appbuilder.sm.current_user))
        target.seek(0)
        name = f"{scorecard.number}_{period_name(scorecard)}.xlsx"
        return send_file(target, mimetype=XLSX, as_attachment=True, download_name=name)


def _approved(scorecard) -> None:
    scorecard.status = ScorecardStatus.approved
