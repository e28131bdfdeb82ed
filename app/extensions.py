"""Extension objects, created here and bound to an app by `create_app()`."""

from flask_appbuilder.utils.legacy import get_sqla_class
from flask_mail import Mail
from flask_migrate import Migrate
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import sessionmaker

db = get_sqla_class()()
migrate = Migrate()
talisman = Talisman()
mail = Mail()
csrf = CSRFProtect()
# Sessions on a connection the caller holds (a job step's transaction): Flask-SQLAlchemy's
# own would take a connection of their own from the engine.
connection_sessions = sessionmaker()
