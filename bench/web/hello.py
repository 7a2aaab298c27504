"""The baseline for bench/web: the smallest Flask app, served by the same gunicorn settings.

gunicorn --workers 4 --worker-class gthread --threads 4 bench.web.hello:app   (from the repository root)
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, world!"
