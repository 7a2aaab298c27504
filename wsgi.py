"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from matcher.app import create_app

app = create_app()
