"""The extension objects, created unbound and initialised in create_app."""

from flask_limiter import Limiter
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from matcher.db import db
from matcher.web.client import client_ip

login_manager = LoginManager()
mail = Mail()
csrf = CSRFProtect()
migrate = Migrate()
limiter = Limiter(key_func=client_ip, default_limits=[])

__all__ = ["csrf", "db", "limiter", "login_manager", "mail", "migrate"]
