"""Extension objects, created here and bound to an app by `create_app()`."""

from flask_appbuilder.utils.legacy import get_sqla_class
from flask_mail import Mail
from flask_migrate import Migrate
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

db = get_sqla_class()()
migrate = Migrate()
talisman = Talisman()
mail = Mail()
csrf = CSRFProtect()
