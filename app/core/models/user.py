"""Flask-AppBuilder's user, with what qms-crm needs to know of its staff.

The columns are appended to FAB's own mapped `User` class (SQLAlchemy's "appending
columns to an existing declarative class"), so every query, relationship and FAB screen
keeps one `User` class: a subclass on the same table would give each row two identities.
"""

from flask_appbuilder.security.sqla.models import User
from sqlalchemy.orm import relationship

from app.core.models.base import sa
from app.core.models.reference import Branch

# The branch a user works in: a manager's clients are there, and its head manages them.
User.branch_id = sa.Column(sa.Integer, sa.ForeignKey(Branch.id), index=True)
User.branch = relationship(Branch, foreign_keys=[User.branch_id])
# Set by an administrator: the user must choose a new password before anything else.
User.password_change_required = sa.Column(
    sa.Boolean, nullable=False, default=False, server_default=sa.false()
)

__all__ = ["User"]
