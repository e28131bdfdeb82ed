"""Screens for market research (plan, approval, report, review), the competitors it studies
and its files: uploaded on the research's page, downloaded by those who read it."""

from __future__ import annotations

from flask import abort, flash, redirect, send_file, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup, escape
from wtforms import StringField
from wtforms.validators import Length, Optional

from app.core.models import Research
from app.core.models.choices import ResearchStatus
from app.core.permissions import WRITE
from app.core.services import research_file
from app.core.services.errors import DomainError
from app.web.views.base import QmsModelView
from app.web.views.formatters import file_size
from app.web.views.local_values import show_date


def sent(record):
    """The file of a research file's record as a download under its own name (never shown
    in the page), or None when there is no such record or file."""
    path = research_file.path_of(record) if record is not None else None
    if path is None or not path.is_file():
        return None
    return send_file(
        path,
        mimetype=record.content_type,
        as_attachment=True,
        download_name=record.file_name,
        max_age=0,
    )


def report_due_label(due_on, late: bool) -> Markup:
    """The day the report is due, marked as late once it has passed without a report."""
    text = escape(show_date(due_on)) if due_on else Markup("")
    if not late:
        return Markup("%s") % text
    return Markup('<span class="label label-danger research-late">%s · %s</span>') % (
        text,
        gettext("late"),
    )


class FileForm(FlaskForm):
    """A file for a research."""

    file = FileField(_("File"), validators=[FileRequired()])
    description = StringField(_("Description"), validators=[Optional(), Length(max=300)])


class ResearchCompetitorView(QmsModelView):
    """The competitors a research studied, with what it found."""

    entity_key = "research_competitor"


class ResearchFileView(QmsModelView):
    """A research's files: uploaded on its page, never typed in."""

    entity_key = "research_file"
    include_route_methods = {
        "list",
        "show",
        "delete",
        "download",
        "upload",
        "export_xlsx",
        "print_form",
    }
    formatters_columns = {"size": file_size}

    @expose("/upload/<int:research_pk>", methods=["POST"])
    @has_access
    def upload(self, research_pk):
        """Keep the file sent for the research; back to its page with the outcome."""
        research = self.datamodel.session.get(Research, research_pk)
        if research is None:
            abort(404)
        form = FileForm()
        back = redirect(url_for("ResearchView.show", pk=research_pk) + "#research-files")
        if not form.validate_on_submit():
            messages = [message for errors in form.errors.values() for message in errors]
            flash(" ".join(str(message) for message in messages), "danger")
            return back
        upload = form.file.data
        try:
            record = research_file.attach(
                self.datamodel.session,
                research,
                upload.read(),
                upload.filename,
                form.description.data,
            )
            self.datamodel.session.commit()
        except DomainError as error:
            self.datamodel.session.rollback()
            flash(" ".join(m for messages in error.messages.values() for m in messages), "danger")
            return back
        flash(gettext("Kept: %(name)s.", name=record.file_name), "success")
        return back

    @expose("/download/<int:pk>")
    @has_access
    def download(self, pk):
        """The file as it was uploaded, under its name, never shown in the page."""
        return sent(self.visible(pk)) or abort(404)


class CompetitorView(QmsModelView):
    """Competitors' short cards, with the research that studied each."""

    entity_key = "competitor"
    related_views = [ResearchCompetitorView]


class ResearchView(QmsModelView):
    """Market research from its plan to its reviewed report."""

    entity_key = "research"
    related_views = [ResearchCompetitorView]
    show_template = "research_show.html"
    formatters_columns = {"report_due": lambda due: report_due_label(*due)}

    def show_extras(self, pk) -> dict:
        research = self.visible(pk)
        if research is None:
            return {}
        may = self.appbuilder.sm.has_access(f"can_{WRITE}", ResearchFileView.class_permission_name)
        closed = research.status in (ResearchStatus.reviewed, ResearchStatus.cancelled)
        return {
            "research_files": [
                {
                    "name": each.file_name,
                    "description": each.description or "",
                    "size": file_size(each.size),
                    "added": each.created_on,
                    "url": url_for("ResearchFileView.download", pk=each.id),
                    "page": url_for("ResearchFileView.show", pk=each.id),
                }
                for each in sorted(research.files, key=lambda each: each.created_on)
            ],
            "file_form": FileForm() if may and not closed else None,
            "upload_url": url_for("ResearchFileView.upload", research_pk=research.id),
            "file_types": research_file.allowed(),
            "file_limit": research_file.max_bytes() // (1024 * 1024),
        }

    def action_applies(self, name, item) -> bool:
        return name != "approve" or item.status == ResearchStatus.planned

    @action(
        "approve",
        _("Approve"),
        _("Approve the selected research plans?"),
        "fa-check",
        multiple=True,
    )
    def approve(self, items):
        """Each selected plan on its own, through the same checks as its form."""
        return self.approve_each(items, _approved)


def _approved(research) -> None:
    research.status = ResearchStatus.approved
