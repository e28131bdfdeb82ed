"""FAB's add and edit with the domain's objections shown on the form."""

from flask import abort, flash, g, request
from flask_appbuilder import ModelView
from flask_appbuilder.urltools import (
    get_filter_args,
    get_order_args,
    get_page_args,
    get_page_size_args,
)
from flask_babel import lazy_gettext as _

from app.core.services.errors import DomainError
from app.web.views.fields import HiddenField


class KeepsFormOnError(ModelView):
    """FAB's `_add` and `_edit` (flask-appbuilder 5.3.0, baseviews.BaseCRUDView), where a
    refused save shows its reasons on the form with everything the user typed.

    FAB has no hook for it: its versions catch any exception of `pre_add`/`datamodel.add`,
    flash its text and redirect (`finally: return None`), so the form and its input are
    lost and no field is marked. These are FAB's methods with the save wrapped in `_save`;
    compare them with FAB's on an upgrade. They also look the edited record up within the
    row scope (`visible`) and remember the saved record for the redirect to its page."""

    def visible(self, pk):
        """The record `pk` if it is within the user's row scope, else None."""
        return self.datamodel.get(pk, self._base_filters)

    def _save(self, form, item, exclude_cols, widget_method, save):
        """Save, or show the domain's objections on the form with everything the user typed."""
        try:
            form.populate_obj(item)
            save(item)
        except DomainError as error:
            self.datamodel.session.rollback()
            for field, messages in error.messages.items():
                # A hidden field (the version) has no row to show its message in.
                if field in form and not isinstance(form[field], HiddenField):
                    # FAB's template passes each error through gettext, which applies
                    # %-formatting: a "%" of the message (a unit) is written as "%%".
                    shown = [message.replace("%", "%%") for message in messages]
                    form[field].errors = list(form[field].errors or []) + shown
                else:
                    flash(" ".join(messages), "danger")
            flash(str(_("Not saved: please correct the marked fields.")), "danger")
            return widget_method(form=form, exclude_cols=exclude_cols)
        return None

    def _add(self):
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        form = self.add_form.refresh()
        if request.method == "POST":
            self._fill_form_exclude_cols(exclude_cols, form)
            if form.validate():
                self.process_form(form, True)
                item = self.datamodel.obj()
                failed = self._save(
                    form,
                    item,
                    exclude_cols,
                    self._get_add_widget,
                    lambda obj: (self.pre_add(obj), self.datamodel.add(obj)),
                )
                if failed:
                    return failed
                self.post_add(item)
                flash(str(self.add_row_message), "success")
                g.qms_saved = self.datamodel.get_pk_value(item)
                return None
        else:
            self.update_redirect()
        return self._get_add_widget(form=form, exclude_cols=exclude_cols)

    def _edit(self, pk):
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        item = self.visible(pk)
        if not item:
            abort(404)
        pk = self.datamodel.get_pk_value(item)
        widget = lambda form, exclude_cols: self._get_edit_widget(  # noqa: E731
            form=form, exclude_cols=exclude_cols
        )
        if request.method == "POST":
            form = self.edit_form.refresh(request.form)
            self._fill_form_exclude_cols(exclude_cols, form)
            form._id = pk
            if form.validate():
                self.process_form(form, False)
                failed = self._save(
                    form,
                    item,
                    exclude_cols,
                    widget,
                    lambda obj: (self.pre_update(obj), self.datamodel.edit(obj)),
                )
                if failed:
                    return self._with_related(failed, item, pk)
                self.post_update(item)
                flash(str(self.edit_row_message), "success")
                g.qms_saved = pk
                return None
        else:
            form = self.edit_form.refresh(obj=item)
            self.prefill_form(form, pk)
            self.update_redirect()
        return self._with_related(widget(form=form, exclude_cols=exclude_cols), item, pk)

    def _with_related(self, widgets, item, pk):
        return self._get_related_views_widgets(
            item,
            filters={},
            orders=get_order_args(),
            pages=get_page_args(),
            page_sizes=get_page_size_args(),
            widgets=widgets,
        )
