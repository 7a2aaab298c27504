"""The baseline for bench/web.py: the smallest Flask app, served by the same gunicorn settings.

gunicorn --workers 4 --worker-class gthread --threads 4 --chdir bench web_hello:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, world!"
