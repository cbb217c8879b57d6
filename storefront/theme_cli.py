"""`flask theme check [NAME]`: find a broken theme before shoppers do.

It checks theme.toml (its colours read at 4.5:1), compiles every template of the
theme and its parents, reads their stylesheets as the minifier does, then renders
the store's pages against the embedded demo shop: the brand's pages (blog, tagged
articles and an article among them), a cart with lines, codes and a gift card,
search with and without results, 404 and 503, and
each active creator's landing, product and article pages. Each
problem reads `themes/<theme>/templates/<file>:<line>: <message>`, and a verdict
ends the output; the app's own logs show only with --verbose.

Translations: a .mo not compiled from its .po is a problem; a string with no
translation in a language the theme ships is a warning (the page still shows it, in
English), a problem with --strict. `flask theme translations update|compile` keep the
catalogues (storefront.theming.catalogs).
"""

from __future__ import annotations

import logging
import re
import tempfile
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from jinja2 import Environment, TemplateSyntaxError

from storefront import colors, layout_audit
from storefront.config import PROJECT_ROOT, ConfigError
from storefront.theming import Theme, ThemeError, catalogs, load_theme, minify, themes_dir

# (URL, expected status) of the pages every theme must render.
PAGES: list[tuple[str, int]] = [
    ("/", 200),
    ("/collections", 200),
    ("/collections/apparel", 200),
    ("/products/organic-cotton-tee", 200),
    ("/search?q=linen", 200),
    ("/search?q=no-such-thing-at-all", 200),
    ("/pages/about", 200),
    ("/policies", 200),
    ("/policies/refund-policy", 200),
    ("/blogs/journal", 200),
    ("/blogs/journal/tagged/care", 200),
    ("/blogs/journal/how-to-care-for-linen", 200),
    ("/search?q=linen&type=article", 200),
    ("/cart", 200),
    ("/no-such-page", 404),
    ("/sitemap.xml", 200),
    ("/robots.txt", 200),
]

# Pages a shopper reaches through other steps (see _journeys): a cart with lines and
# codes, the 503 of an outage, and every active creator's landing and product pages.
JOURNEYS = True
CART_CODES = ("WELCOME10", "NOT-A-CODE")  # one the demo shop applies, one it refuses
CART_GIFT_CARD = "FERNGIFTPART0125"  # a demo gift card, so the cart shows one applied
_CSRF = re.compile(r'name="csrf-token" content="([^"]*)"')

theme_cli = AppGroup("theme", help="Check themes.")


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    compiled: int = 0
    rendered: int = 0
    pages: list[tuple[str, int]] = field(default_factory=list)  # (URL, status) rendered
    missing: list[catalogs.Missing] = field(default_factory=list)  # untranslated strings


@theme_cli.command("check")
@click.argument("name", required=False)
@click.option("--verbose", is_flag=True, help="Show the app's log lines while pages render.")
@click.option("--audit", is_flag=True,
              help="Also open the pages in headless Chromium at 390 and 1280 px and report "
                   "overflow, overlapping controls and unreadable text (needs Playwright "
                   "and Debian's chromium).")
@click.option("--strict", is_flag=True,
              help="Count strings with no translation as problems, not warnings.")
def check_command(name: str | None, verbose: bool, audit: bool, strict: bool) -> None:
    """Compile and render theme NAME (default: the THEME setting) against the demo shop."""
    name = name or current_app.config["THEME"]
    folder = themes_dir(current_app)
    if not verbose:
        _hide_logs()
    try:
        theme = load_theme(name, folder)
        report = check_theme(theme, folder, verbose=verbose, audit=audit)
    except (ThemeError, ConfigError) as error:
        click.echo(str(error))
        raise SystemExit(1) from None
    label = "" if strict else "warning: "
    untranslated = [f"{m.where}: {label}no {m.language} translation of {m.text!r}"
                    for m in report.missing]
    problems = report.problems + (untranslated if strict else [])
    for line in report.problems + untranslated:
        click.echo(line)
    if problems:
        count = len(problems)
        click.echo(f"theme {name}: {count} {'problem' if count == 1 else 'problems'}")
        raise SystemExit(1)
    verdict = (f"theme {name}: {report.compiled} templates compiled, "
               f"{report.rendered} pages rendered, OK")
    if untranslated:
        languages = ", ".join(sorted({m.language for m in report.missing}))
        verdict += f"; {len(untranslated)} strings not translated ({languages}): warnings"
    click.echo(verdict)


def check_theme(theme: Theme, folder: Path, *, verbose: bool = True,
                audit: bool = False) -> Report:
    """Check `theme`'s colours, compile every template of its chain and render PAGES
    (and the JOURNEYS' pages) with it; with `audit`, run the layout audit on them too."""
    report = Report()
    palette = {**colors.BASE, **(theme.settings.get("colors") or {})}
    for message in colors.failures(palette):
        report.problems.append(f"{folder.name}/{theme.name}/theme.toml: settings.colors: {message}")
    with tempfile.TemporaryDirectory(prefix="theme-check-") as tmp:
        app = demo_app(theme.name, folder, Path(tmp) / "carts.sqlite3")
        if not verbose:
            _hide_logs()  # (again: the app adds its handler as it is made)
        broken = _compile_all(app.jinja_env, theme, folder, report)
        _render_pages(app, theme, folder, broken, report)
        _check_translations(theme, folder, report)
        _check_stylesheets(theme, folder, report)
        if audit and not report.problems:  # (a page that fails to render has no layout)
            _audit(app, theme, folder, report)
    return report


def _check_translations(theme: Theme, folder: Path, report: Report) -> None:
    """Compiled catalogues that lag their .po (a problem), and strings a language of
    the chain does not translate (kept for the verdict: warnings, or problems)."""
    for path in catalogs.stale(theme):
        report.problems.append(
            f"{_display(path, folder)}: messages.mo is not compiled from it: "
            "run `flask theme translations compile`"
        )
    report.missing = catalogs.missing(theme)


def _check_stylesheets(theme: Theme, folder: Path, report: Report) -> None:
    """Stylesheets of the chain the minifier cannot read: the browser drops part of
    them, and they are served as written (storefront.theming.minify)."""
    for static in theme.static_dirs:
        for file in sorted(static.rglob("*.css")):
            try:
                text = file.read_text("utf-8")
            except UnicodeDecodeError:
                report.problems.append(f"{_display(file, folder)}: not UTF-8 text")
                continue
            for line, message in minify.problems(text):
                report.problems.append(f"{_display(file, folder)}:{line}: {message} "
                                       "(the browser drops part of it; served unminified)")


def _audit(app: Flask, theme: Theme, folder: Path, report: Report) -> None:
    """The layout audit's findings as problems: the theme, the creator and their file."""
    try:
        import playwright.sync_api  # noqa: F401  (a test requirement)
    except ImportError:
        report.problems.append("layout audit: Playwright is not installed "
                               "(pip install -r requirements-test.txt)")
        return
    if not layout_audit.CHROMIUM.exists():
        report.problems.append(f"layout audit: {layout_audit.CHROMIUM} is missing "
                               "(apt-get install chromium)")
        return
    app.config["PROPAGATE_EXCEPTIONS"] = False  # (served over HTTP: an error is a 500 page)
    creators_dir = Path(app.config["CREATORS_DIR"]).name
    for finding in layout_audit.audit_app(app):
        where = f"{folder.name}/{theme.name}"
        if finding.creator:
            where += f": creator {finding.creator} ({creators_dir}/{finding.creator}.toml)"
        report.problems.append(f"{where}: {finding}")


def _hide_logs() -> None:
    """Silence the app's JSON log lines (the root logger's handlers) for the rest of
    the command: the apps' background threads (code checks) log too, until it ends."""
    logging.getLogger().handlers = []


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
    steps = [(url, expected, client.get) for url, expected in PAGES]
    if JOURNEYS:
        steps += list(_journeys(app))
    try:
        for url, expected, fetch in steps:
            logged.exceptions.clear()
            try:
                response = fetch(url)
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
            report.pages.append((url, expected))
    finally:
        logging.getLogger().removeHandler(logged)


def _journeys(app: Flask) -> Iterator[tuple[str, int, object]]:
    """(URL, expected status, how to fetch it) of the pages reached through other steps.

    Each gets a visitor of its own (a test client): a cart holding lines, codes and a
    gift card, an outage (Shopify refusing every request) for the 503 page, and each active
    creator's follower: their landing page, a product they wrote about, a cart with
    lines and codes, and a 404, all dressed for them.
    """
    def with_cart(shopper):
        def fetch(url: str):
            page = shopper.get("/products/organic-cotton-tee").get_data(as_text=True)
            token = _CSRF.search(page)
            form = {"csrf_token": token.group(1) if token else ""}
            # As a browser posts the page's forms: saying they come from the store
            # (the page was a first view, whose forms carry no token).
            said = {"Sec-Fetch-Site": "same-origin"}
            shopper.post("/cart/add", data={**form, "variant_id": "1003", "quantity": "2"},
                         headers=said)
            for code in CART_CODES:
                shopper.post("/cart/discounts", data={**form, "code": code}, headers=said)
            shopper.post("/cart/gift-cards", data={**form, "code": CART_GIFT_CARD}, headers=said)
            return shopper.get(url)
        return fetch

    def outage(url: str):
        from storefront.shopify.errors import Unavailable

        transport = app.extensions["storefront"].transport
        def refuse(request, *args, **kwargs):
            raise Unavailable("theme check: the shop is down", operation=request.operation_name)
        transport.execute, real = refuse, transport.execute
        try:
            return app.test_client().get(url)
        finally:
            transport.execute = real

    yield "/cart", 200, with_cart(app.test_client())
    yield "/pages/shipping", 503, outage  # (not rendered before, so not cached)
    registry = app.extensions.get("creators")
    for _, urls in layout_audit.creator_pages(registry or ()):
        follower = app.test_client()
        for url in urls:  # their link, then a product (and an article) they wrote about
            yield url, 200, follower.get
        yield "/cart", 200, with_cart(follower)
        yield "/no-such-page", 404, follower.get


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


# `flask theme translations update|compile` ------------------------------------------

translations_cli = AppGroup(
    "translations", help="Keep themes' translation catalogues (translations/) up to date.")
theme_cli.add_command(translations_cli)


def _themes(name: str | None) -> list[Theme]:
    """Theme `name`, or every theme of the themes folder; exit 1 naming a bad one."""
    folder = themes_dir(current_app)
    names = [name] if name else sorted(p.parent.name for p in folder.glob("*/theme.toml"))
    try:
        return [load_theme(each, folder) for each in names]
    except ThemeError as error:
        click.echo(str(error))
        raise SystemExit(1) from None


def _echo_written(paths: list[Path]) -> None:
    for path in paths:
        click.echo(f"wrote {_display(path, themes_dir(current_app))}")
    if not paths:
        click.echo("up to date")


@translations_cli.command("update")
@click.argument("name", required=False)
@click.option("--add", "add", multiple=True, metavar="LANG",
              help="Start a catalogue for another language (e.g. --add it); repeatable.")
def update_command(name: str | None, add: tuple[str, ...]) -> None:
    """Extract the strings of theme NAME (default: every theme) into its messages.pot and
    update its .po files; then translate the new entries and run `compile`."""
    for language in add:
        if not catalogs.LANGUAGE.fullmatch(language):
            click.echo(f"--add {language}: not a language code (two or three letters, "
                       "with a region if need be: fr, pt_BR)")
            raise SystemExit(1)
    written = []
    for theme in _themes(name):
        written += catalogs.update(theme, add)
    _echo_written(written)


@translations_cli.command("compile")
@click.argument("name", required=False)
def compile_command(name: str | None) -> None:
    """Compile the .po files of theme NAME (default: every theme) into the .mo files pages
    read; commit them with the .po (tests/themes/test_translations.py checks they match)."""
    written = []
    for theme in _themes(name):
        written += catalogs.compile_catalogues(theme)
    _echo_written(written)
