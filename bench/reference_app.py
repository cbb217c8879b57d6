"""The yardstick: the smallest Flask app, served by the same gunicorn configuration.

A storefront page served from cache should come close to this (DESIGN.md).
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index() -> str:
    return "ok"
