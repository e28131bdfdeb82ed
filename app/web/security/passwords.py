"""The password policy, for users made or changed in the screens and by the command line:
at least 12 characters and not easy to guess (zxcvbn, Dropbox's estimator, knows lists of
common passwords, names, words, keyboard walks and dates, and the user's own details)."""

from __future__ import annotations

from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import gettext
from zxcvbn import zxcvbn

MIN_LENGTH = 12
# zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline attacks".
MIN_SCORE = 3


class WeakPassword(PasswordComplexityValidationError):
    """A password the policy refuses; the message says why, in the user's language."""


def problem(password: str, *hints: str) -> str | None:
    """Why the password is refused, or None. `hints`: the user's name, e-mail and the like,
    which a password must not be built from."""
    if len(password or "") < MIN_LENGTH:
        return gettext("A password has at least %(count)s characters.", count=MIN_LENGTH)
    # zxcvbn's cost grows with the length; past 100 characters nothing is guessable anyway.
    if zxcvbn(password[:100], user_inputs=[hint for hint in hints if hint])["score"] < MIN_SCORE:
        return gettext(
            "This password is too easy to guess (a common password, a word, a name, a date "
            "or a keyboard pattern): add unrelated words or characters."
        )
    return None


def check(password: str, *hints: str) -> None:
    """FAB's password validator (FAB_PASSWORD_COMPLEXITY_VALIDATOR) and ours."""
    reason = problem(password, *hints)
    if reason:
        raise WeakPassword(reason)
