"""`flask theme check [NAME]`: find a broken theme before shoppers do.

It checks theme.toml, compiles every template of the theme and its parents,
then renders the store's pages against the embedded demo shop, and reports
each problem as `themes/<theme>/templates/<file>:<line>: <message>`.
"""

from __future__ import annotations

import logging
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from jinja2 import Environment, TemplateSyntaxError

from storefront.config import PROJECT_ROOT, ConfigError
from storefront.theming import Theme, ThemeError, load_theme, themes_dir

# (URL, expected status) of the pages every theme must render.
PAGES: list[tuple[str, int]] = [
    ("/", 200),
    ("/collections", 200),
    ("/collections/apparel", 200),
    ("/products/organic-cotton-tee", 200),
    ("/search?q=linen", 200),
    ("/pages/about", 200),
    ("/cart", 200),
    ("/no-such-page", 404),
    ("/sitemap.xml", 200),
    ("/robots.txt", 200),
]

theme_cli = AppGroup("theme", help="Check themes.")


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    compiled: int = 0
    rendered: int = 0


@theme_cli.command("check")
@click.argument("name", required=False)
def check_command(name: str | None) -> None:
    """Compile and render theme NAME (default: the THEME setting) against the demo shop."""
    name = name or current_app.config["THEME"]
    folder = themes_dir(current_app)
    try:
        theme = load_theme(name, folder)
        report = check_theme(theme, folder)
    except (ThemeError, ConfigError) as error:
        click.echo(str(error))
        raise SystemExit(1) from None
    for problem in report.problems:
        click.echo(problem)
    if report.problems:
        click.echo(f"theme {name}: {len(report.problems)} problem(s)")
        raise SystemExit(1)
    click.echo(
        f"theme {name}: {report.compiled} templates compiled, "
        f"{report.rendered} pages rendered, OK"
    )


def check_theme(theme: Theme, folder: Path) -> Report:
    """Compile every template of `theme`'s chain and render PAGES with it."""
    report = Report()
    with tempfile.TemporaryDirectory(prefix="theme-check-") as tmp:
        app = demo_app(theme.name, folder, Path(tmp) / "carts.sqlite3")
        broken = _compile_all(app.jinja_env, theme, folder, report)
        _render_pages(app, theme, folder, broken, report)
    return report


def demo_app(name: str, folder: Path, cart_db: Path) -> Flask:
    """The store on the embedded demo shop with theme `name`, raising render errors."""
    from storefront import create_app  # late: storefront's create_app imports this module

    app = create_app(
        {
            "THEME": name,
            "THEMES_DIR": str(folder),
            "DEMO_SHOP_CART_DB": str(cart_db),
            "SHOPIFY_STORE_DOMAIN": "",  # always the demo shop, whatever the environment says
            # A private, empty cache: never a page rendered elsewhere (Redis) or by another theme.
            "CACHE_TYPE": "SimpleCache",
        }
    )
    # Errors reach us with their traceback instead of becoming a 500 page.
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=True)
    return app


def _compile_all(env: Environment, theme: Theme, folder: Path, report: Report) -> set[Path]:
    """Compile each template file of the chain; return the files that failed."""
    broken: set[Path] = set()
    for member in theme.chain:
        templates = member.path / "templates"
        if not templates.is_dir():
            continue
        for file in sorted(templates.rglob("*")):
            relative = file.relative_to(templates)
            if not file.is_file() or any(part.startswith(".") for part in relative.parts):
                continue  # editor swap files and the like
            where = _display(file, folder)
            try:
                env.compile(file.read_text("utf-8"), relative.as_posix(), str(file))
            except TemplateSyntaxError as error:
                report.problems.append(f"{where}:{error.lineno}: {error.message}")
                broken.add(file.resolve())
            except UnicodeDecodeError:
                report.problems.append(f"{where}: not UTF-8 text")
                broken.add(file.resolve())
            else:
                report.compiled += 1
    return broken


def _render_pages(
    app: Flask, theme: Theme, folder: Path, broken: set[Path], report: Report
) -> None:
    client = app.test_client()
    # The app's error handlers turn a failing page into a logged exception and
    # an error page, so exceptions are collected from the log as well as raised.
    logged = _ExceptionLog()
    logging.getLogger().addHandler(logged)
    try:
        for url, expected in PAGES:
            logged.exceptions.clear()
            try:
                response = client.get(url)
            except Exception as error:
                response, errors = None, [error]
            else:
                errors = list(logged.exceptions)
            for error in errors:
                if isinstance(error, TemplateSyntaxError) and _is_broken(error, broken):
                    continue  # reported once already, by the compile step
                where = _where_raised(error, folder)
                report.problems.append(f"{where}: {type(error).__name__}: {error} (GET {url})")
            if response is None or errors:
                continue
            if response.status_code != expected:
                report.problems.append(
                    f"{folder.name}/{theme.name}: GET {url} answered {response.status_code}, "
                    f"expected {expected}"
                )
                continue
            report.rendered += 1
    finally:
        logging.getLogger().removeHandler(logged)


class _ExceptionLog(logging.Handler):
    """Keeps the exceptions logged while a page renders (log.exception and the like)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.exceptions: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            if all(record.exc_info[1] is not seen for seen in self.exceptions):
                self.exceptions.append(record.exc_info[1])


def _is_broken(error: TemplateSyntaxError, broken: set[Path]) -> bool:
    return error.filename is not None and Path(error.filename).resolve() in broken


def _where_raised(error: BaseException, folder: Path) -> str:
    """file:line of the innermost template frame (Jinja maps frames to template lines)."""
    root = folder.resolve()
    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        path = Path(frame.filename)
        if path.is_absolute() and path.resolve().is_relative_to(root):
            return f"{_display(path, folder)}:{frame.lineno}"
    if frames:  # not in a template: point at the Python line instead
        path = Path(frames[-1].filename)
        if path.is_relative_to(PROJECT_ROOT):
            path = path.relative_to(PROJECT_ROOT)
        return f"{path}:{frames[-1].lineno}"
    return folder.name


def _display(file: Path, folder: Path) -> str:
    """`themes/night/templates/x.html`: the path as a theme author knows it."""
    return f"{folder.name}/{file.resolve().relative_to(folder.resolve()).as_posix()}"
