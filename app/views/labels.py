"""Translatable labels of every field, declared once for all views and APIs."""
from flask_babel import lazy_gettext as _

FIELD_LABELS = {
    "id": _("ID"), "name": _("Name"), "head": _("Head"), "tax_id": _("Tax ID"),
    "status": _("Status"), "industry": _("Industry"), "segment": _("Segment"),
    "source": _("Source (how they heard of us)"), "needs": _("Needs"), "branch": _("Branch"),
    "owner": _("Responsible manager"), "is_key": _("Key client"),
    "approved_by": _("Approved by"), "approved_at": _("Approved at"), "notes": _("Notes"),
    "is_complete": _("Card complete"), "client": _("Client"), "full_name": _("Full name"),
    "position": _("Position"), "phone": _("Phone"), "email": _("E-mail"),
    "preferred_channel": _("Preferred channel"), "is_primary": _("Primary contact"),
    "contact": _("Contact"), "occurred_at": _("Occurred at"), "channel": _("Channel"),
    "kind": _("Kind"), "summary": _("Summary"), "interest": _("Interest"),
    "next_contact_on": _("Next contact on"), "received_at": _("Received at"),
    "contact_name": _("Contact name"), "contact_details": _("Contact details"),
    "subject": _("Subject"), "text": _("Text"), "nonstandard": _("Non-standard goods"),
    "assignee": _("Assignee"), "first_response_at": _("First response at"),
    "sla_due_at": _("Answer due at"), "breached_at": _("Deadline missed at"),
    "number": _("Number"), "issued_on": _("Issued on"), "amount": _("Amount"),
    "currency": _("Currency"), "cost": _("Cost"), "status_changed_at": _("Status changed at"),
    "rejection_reason": _("Rejection reason"), "reason": _("Reason"), "invoice": _("Invoice"),
    "paid_on": _("Paid on"), "reference": _("Reference"), "category": _("Category"),
    "description": _("Description"), "severity": _("Severity"), "department": _("Department"),
    "investigator": _("Investigator"), "root_cause": _("Root cause"),
    "resolution": _("Resolution"), "resolved_at": _("Resolved at"),
    "client_satisfied": _("Client satisfied"), "complaint": _("Complaint"),
    "responsible": _("Responsible"), "due_on": _("Due on"), "done_on": _("Done on"),
    "effectiveness_checked_on": _("Effectiveness checked on"), "effective": _("Effective"),
    "title": _("Title"), "period_start": _("Period start"), "period_end": _("Period end"),
    "scope": _("Scope"), "scope_branch": _("Branch surveyed"),
    "scope_manager": _("Manager surveyed"), "survey": _("Survey"), "order": _("Order"),
    "answer_type": _("Answer type"), "answered_on": _("Answered on"), "comment": _("Comment"),
    "score": _("Score"), "question": _("Question"), "scale_value": _("Value (1–5)"),
    "yes_no_value": _("Yes / no"), "text_value": _("Text answer"), "response": _("Response"),
    "due_at": _("Due at"), "origin": _("Origin"), "related_entity": _("Related record type"),
    "related_id": _("Related record ID"), "done_at": _("Done at"), "result": _("Result"),
    "created_on": _("Created on"), "changed_on": _("Changed on"),
    "created_by": _("Created by"), "changed_by": _("Changed by"),
}

# Per permission name: (one record, the list); screen titles are built from these.
ENTITY_LABELS = {
    "Client": (_("Client"), _("Clients")), "Contact": (_("Contact"), _("Contacts")),
    "Interaction": (_("Interaction"), _("Interactions and visits")),
    "Inquiry": (_("Inbound request"), _("Inbound requests")),
    "Invoice": (_("Invoice"), _("Invoices")), "Payment": (_("Payment"), _("Payments")),
    "Complaint": (_("Complaint"), _("Complaints")),
    "CorrectiveAction": (_("Corrective action"), _("Corrective actions")),
    "Survey": (_("Survey"), _("Surveys")), "SurveyQuestion": (_("Question"), _("Questions")),
    "SurveyResponse": (_("Response"), _("Responses")), "Task": (_("Task"), _("Tasks")),
    "Branch": (_("Branch"), _("Branches")), "Department": (_("Department"), _("Departments")),
    "Industry": (_("Industry"), _("Industries")), "Source": (_("Source"), _("Sources")),
    "Segment": (_("Segment"), _("Segments")),
}
TITLES = {
    "show_title": _("%(entity)s: details"),
    "add_title": _("New record: %(entity)s"),
    "edit_title": _("Edit: %(entity)s"),
}

# FAB shows these without a translation in its own ru/zh catalogs; ours fill the gap
# (Flask-Babel merges both catalogs).
FAB_GAPS = [_("Detail")]
