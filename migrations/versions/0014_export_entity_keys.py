"""export jobs name the entity (and its screen variant) they export, not a screen class

A queued or finished register export stored the class name of the screen it was started
from ("InvoiceView", "MyClientView", "InvoiceApi"); renaming a screen would break it. It
now stores the entity's key and the variant of its screen ({"entity": "invoice",
"variant": ""}). The names are frozen here as they were at this revision.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# Entity key by model class name, as declared at this revision.
KEYS = {
    'Client': 'client', 'Contact': 'contact', 'Interaction': 'interaction',
    'Inquiry': 'inquiry', 'Invoice': 'invoice', 'Payment': 'payment',
    'Complaint': 'complaint', 'CorrectiveAction': 'corrective_action', 'Survey': 'survey',
    'SurveyQuestion': 'survey_question', 'SurveyResponse': 'survey_response',
    'SurveyAnswer': 'survey_answer', 'Task': 'task', 'Branch': 'branch',
    'Department': 'department', 'Industry': 'industry', 'Source': 'source',
    'Segment': 'segment', 'AuditLog': 'audit_log', 'SecurityEvent': 'security_event',
    'FollowUpRule': 'follow_up_rule', 'RuleRun': 'rule_run',
    'WorkingCalendar': 'working_calendar', 'CalendarDay': 'calendar_day',
    'Notification': 'notification', 'ExportJob': 'export_job',
}
# The screens that are a second list of their entity.
VARIANTS = {
    'MyClientView': ('client', 'mine'),
    'AwaitingApprovalView': ('client', 'awaiting'),
    'MyTaskView': ('task', 'mine'),
    'MyNotificationView': ('notification', 'mine'),
}
CLASSES = {(key, ''): f'{name}View' for name, key in KEYS.items()} | {
    place: name for name, place in VARIANTS.items()
}

export_job = sa.table(
    'export_job', sa.column('id', sa.Integer), sa.column('parameters', sa.JSON)
)


def _place(view: str) -> tuple[str, str]:
    if view in VARIANTS:
        return VARIANTS[view]
    for suffix in ('View', 'Api'):
        if view.endswith(suffix) and view[: -len(suffix)] in KEYS:
            return KEYS[view[: -len(suffix)]], ''
    raise ValueError(f'export_job names an unknown screen {view!r}')


def _rewrite(change) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(export_job.c.id, export_job.c.parameters)).all()
    for row_id, parameters in rows:
        new = change(dict(parameters or {}))
        if new is not None:
            connection.execute(
                export_job.update().where(export_job.c.id == row_id).values(parameters=new)
            )


def upgrade():
    def change(parameters):
        if 'view' not in parameters:  # a form, the KPI workbook or the audit pack
            return None
        entity, variant = _place(parameters.pop('view'))
        return {'entity': entity, 'variant': variant, **parameters}

    _rewrite(change)


def downgrade():
    def change(parameters):
        if 'entity' not in parameters:
            return None
        place = (parameters.pop('entity'), parameters.pop('variant', ''))
        return {'view': CLASSES[place], **parameters}

    _rewrite(change)
