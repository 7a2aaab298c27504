# Copy to instance/config.py (git-ignored) and adjust. Every key can also be set as an
# environment variable with the MATCHER_ prefix, e.g. MATCHER_SECRET_KEY, which wins over this file.
import os

# Required in production: a long random string, e.g. from
#   python -c "import secrets; print(secrets.token_urlsafe(48))"
SECRET_KEY = os.environ.get("MATCHER_SECRET_KEY", "change-me")

# "production" (default: secure cookies, HSTS, refuses the placeholder SECRET_KEY) or "development".
ENV = "production"

# PostgreSQL for real deployments; the default is the SQLite file instance/matcher.sqlite.
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://matcher:secret@db.example.org:5432/matcher"

# Outgoing mail. With no MAIL_SERVER, messages are written to the log and marked sent.
# MAIL_SERVER = "smtp.example.org"
# MAIL_PORT = 587
# MAIL_USE_TLS = True
# MAIL_USERNAME = "matcher"
# MAIL_PASSWORD = "..."
# MAIL_DEFAULT_SENDER = "IR Opportunity Matcher <no-reply@example.org>"

# Rate-limit storage shared by every app process (use Redis with more than one process).
# RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"
