"""Theme translations: every shipped string translated, pages in the configured
language, a child theme's catalogue over its parent's, the compiled files current, and
`flask theme translations` / `theme check` keeping them so."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2 import nodes

from storefront import create_app, theme_cli
from storefront.config import PROJECT_ROOT
from storefront.theming import catalogs, load_theme, translations
from tests.themes import write_theme

THEMES = PROJECT_ROOT / "themes"
SHIPPED = ("base", "atelier")
TRANSLATED = ("fr", "de")  # complete, with English


def store(tmp_path: Path, **config):
    """The store on the demo shop with a cache of its own (pages rendered in one
    language must not answer another app's requests)."""
    return create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                       "CACHE_TYPE": "SimpleCache", **config})


def page_text(response) -> str:
    """The words a shopper reads: the page without its tags, styles and scripts."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


# Every shipped string, translated ---------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED)
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_of_the_shipped_themes_is_translated(name, language):
    theme = load_theme(name, THEMES)
    wanted = {catalogs.key(m): m for m in catalogs.chain_strings(theme) if m.id}
    # The extraction reaches templates, partials, error pages and the app's own texts.
    texts = {msgid for msgid, _ in wanted}
    assert {"Add to cart", "Page not found", "Your cart is empty.", "Sort by",
            "This code doesn't exist.", "Featured"} <= texts
    assert len(wanted) > 150
    done = set()
    for member in theme.chain:  # parents' catalogues first would not matter: any will do
        path = catalogs.po_path(member, language)
        for message in catalogs.read(path, language) if path.exists() else ():
            if message.id and not message.fuzzy and all(
                    message.string if isinstance(message.string, tuple) else [message.string]):
                done.add(catalogs.key(message))
    untranslated = sorted(msgid for msgid, context in wanted if (msgid, context) not in done)
    assert untranslated == []
    assert catalogs.missing(theme) == []  # (what `theme check` reports agrees)


_NOT_TEXT = re.compile(r"<(style|script|svg)\b.*?</\1>|<!--.*?-->|<\?xml.*?\?>", re.S)
_TEXT_ATTRIBUTE = re.compile(r'\b(?:aria-label|alt|title|placeholder|label)="([^"\x00]*)"')


def _untranslated_text(template: Path) -> list[str]:
    """Words a template writes as plain text, outside {% trans %} and _(): what a shopper
    would read in English whatever the language. Markup, styles, scripts, SVG and
    attribute values that are not text (classes, URLs) are left out."""
    from flask import Flask

    env = Flask(__name__).jinja_env
    env.add_extension("jinja2.ext.i18n")
    tree = env.parse(template.read_text("utf-8"))
    data = "\x00".join(node.data for node in tree.find_all(nodes.TemplateData))
    data = re.sub(_NOT_TEXT, "\x00", data)
    words = []
    for attribute in re.findall(_TEXT_ATTRIBUTE, data):
        words += re.findall(r"[A-Za-z]{2,}", attribute)
    text = re.sub(r"<[^>]*>", "\x00", data)
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    text = re.sub(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b", " ", text)  # a class name: theme-atelier
    words += re.findall(r"[A-Za-z]{2,}", text)
    return words


@pytest.mark.parametrize("template", sorted(
    path for name in SHIPPED for path in (THEMES / name / "templates").rglob("*")
    if path.is_file()), ids=lambda path: path.relative_to(THEMES).as_posix())
def test_no_shipped_template_writes_untranslated_text(template):
    assert _untranslated_text(template) == []


def test_the_text_finder_finds_plain_words(tmp_path):
    template = tmp_path / "t.html"
    template.write_text('<p class="x">{{ _("Fine") }} Hello <b>there</b></p>'
                        '<img alt="A picture" src="/a.png"><style>p { color: red }</style>')
    assert set(_untranslated_text(template)) == {"picture", "Hello", "there"}


def test_the_compiled_catalogues_are_those_of_the_po_files():
    """The .mo files pages read are committed: each must be its .po compiled (else run
    `flask --app wsgi theme translations compile`)."""
    po_files = sorted(THEMES.glob(f"*/translations/*/{catalogs.PO}"))
    assert {path.parents[3].name for path in po_files} == set(SHIPPED)
    for path in po_files:
        compiled = path.with_suffix(".mo")
        assert compiled.exists(), f"{path}: no messages.mo"
        assert compiled.read_bytes() == catalogs.compiled(path), f"{compiled} is out of date"


@pytest.mark.parametrize("name", SHIPPED)
def test_the_templates_are_those_of_the_themes_strings(name):
    """messages.pot lists what the theme's files mark today (else run `update`)."""
    theme = load_theme(name, THEMES)
    with (theme.path / "translations" / catalogs.POT).open("rb") as file:
        committed = {catalogs.key(m) for m in read_po(file) if m.id}
    assert committed == {catalogs.key(m) for m in catalogs.template(theme) if m.id}


# Pages in the shopper's language --------------------------------------------------


def test_pages_are_in_french(tmp_path):
    client = store(tmp_path, SHOPIFY_LANGUAGE="FR", SHOPIFY_COUNTRY="FR").test_client()
    expected = {
        "/": ["Découvrir les collections", "Rechercher dans la boutique", "Panier"],
        "/products/organic-cotton-tee": ["Ajouter au panier", "Quantité"],
        "/products/wool-gloves": ["Épuisé"],
        "/cart": ["Votre panier est vide. Continuer vos achats ."],
        "/search?q=linen": ["résultats pour « linen »", "À partir de"],
        "/search?q=no-such-thing-at-all": ["Aucun résultat pour « no-such-thing-at-all »"],
        "/collections/apparel": ["Trier par", "Prix croissant", "En stock uniquement"],
        "/@maya": ["La sélection de Maya Rivers", "avec le code MAYA15"],
        "/no-such-page": ["Page introuvable", "Nous n’avons pas trouvé cette page"],
    }
    for url, phrases in expected.items():
        response = client.get(url)
        words = page_text(response)
        for phrase in phrases:
            assert phrase in words, (url, phrase)
    assert "Add to cart" not in page_text(client.get("/products/organic-cotton-tee"))


def test_texts_from_the_app_are_in_the_page_language(tmp_path):
    client = store(tmp_path, SHOPIFY_LANGUAGE="FR", SHOPIFY_COUNTRY="FR").test_client()
    page = client.get("/products/organic-cotton-tee").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]*)"', page).group(1)
    refused = client.post("/cart/add", data={"csrf_token": token, "variant_id": "1003",
                                             "quantity": "many"})
    assert refused.status_code == 400
    assert "La quantité doit être un nombre entier." in page_text(refused)
    # A flash message, and what the add-to-cart script writes (from the form's data-text).
    # (The page was a first visit's: no session, no token. The refused form made
    # the session, and the next page carries its token.)
    page_after = client.get("/products/organic-cotton-tee").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]*)"', page_after).group(1)
    client.post("/cart/add", data={"csrf_token": token, "variant_id": "1003", "quantity": "2"})
    assert "Ajouté à votre panier" in page_text(client.get("/cart"))
    words = json.loads(re.search(r"data-text='([^']+)'", page).group(1))
    assert words["added"] == "Ajouté à votre panier" and words["items"] == "{num} articles"


def test_german_and_english(tmp_path):
    german = store(tmp_path, SHOPIFY_LANGUAGE="DE", SHOPIFY_COUNTRY="DE").test_client()
    assert "In den Warenkorb" in page_text(german.get("/products/organic-cotton-tee"))
    assert "Seite nicht gefunden" in page_text(german.get("/no-such-page"))
    english = store(tmp_path / "en").test_client()
    words = page_text(english.get("/products/organic-cotton-tee"))
    assert "Add to cart" in words and "Ajouter" not in words


# Child themes ---------------------------------------------------------------------


def test_atelier_overrides_a_string_of_base_in_french(tmp_path):
    atelier = load_theme("atelier", THEMES)
    assert translations.load(atelier, "fr_FR").gettext("Sold out") == "Vendu"
    assert translations.load(atelier.parent, "fr_FR").gettext("Sold out") == "Épuisé"
    client = store(tmp_path, THEME="atelier", SHOPIFY_LANGUAGE="FR",
                   SHOPIFY_COUNTRY="FR").test_client()
    words = page_text(client.get("/products/wool-gloves"))  # base's product.html
    assert "Vendu" in words and "Épuisé" not in words
    assert "Voir les nouveautés" in page_text(client.get("/"))  # atelier's own string


def test_a_creators_theme_brings_its_translations(tmp_path):
    # Leo (tests/fixtures/creators) picked atelier; the store's THEME is base.
    app = store(tmp_path, SHOPIFY_LANGUAGE="FR", SHOPIFY_COUNTRY="FR")
    leo = page_text(app.test_client().get("/@leo/products/wool-gloves", follow_redirects=True))
    assert "Vendu" in leo and "Épuisé" not in leo
    # ...and only his pages: the brand's stay base's (rendered after his, not cached before).
    brand = page_text(app.test_client().get("/products/wool-gloves"))
    assert "Épuisé" in brand and "Vendu" not in brand


@pytest.fixture
def night(tmp_path) -> Path:
    """A copy of the shipped base and a child theme of it, "night", with one string of
    its own and, in French, that string and an override of one of base's."""
    folder = tmp_path / "themes"
    shutil.copytree(THEMES / "base", folder / "base")
    write_theme(folder, "night", 'name = "Night"\nparent = "base"\n', templates={
        "_footer.html": '<footer class="night">{{ _("Open till late") }}</footer>',
    })
    _write_po(folder / "night", "fr", {"Open till late": "Ouvert tard",
                                       "Add to cart": "Dans le sac"})
    catalogs.compile_catalogues(load_theme("night", folder))
    return folder


def _write_po(theme: Path, language: str, strings: dict[str, str]) -> None:
    path = theme / "translations" / language / catalogs.PO
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = "".join(f'\nmsgid "{msgid}"\nmsgstr "{msgstr}"\n'
                      for msgid, msgstr in strings.items())
    path.write_text(textwrap.dedent(f"""\
        msgid ""
        msgstr ""
        "Language: {language}\\n"
        "Content-Type: text/plain; charset=utf-8\\n"
        "Plural-Forms: nplurals=2; plural=(n > 1);\\n"
        """) + entries)


def test_a_child_themes_catalogue_adds_and_overrides_strings(night, tmp_path):
    client = store(tmp_path, THEMES_DIR=str(night), THEME="night", SHOPIFY_LANGUAGE="FR",
                   SHOPIFY_COUNTRY="FR").test_client()
    words = page_text(client.get("/products/organic-cotton-tee"))
    assert "Ouvert tard" in words  # its own string
    assert "Dans le sac" in words and "Ajouter au panier" not in words  # its override wins
    assert "Quantité" in words  # the rest comes from base
    english = store(tmp_path / "en", THEMES_DIR=str(night), THEME="night").test_client()
    words = page_text(english.get("/products/organic-cotton-tee"))
    assert "Open till late" in words and "Add to cart" in words


def test_update_keeps_overrides_and_compile_writes_what_pages_read(night, tmp_path):
    app = store(tmp_path, THEMES_DIR=str(night), THEME="night")
    run = app.test_cli_runner().invoke
    result = run(args=["theme", "translations", "update", "night", "--add", "de"])
    assert result.exit_code == 0, result.output
    assert "wrote themes/night/translations/messages.pot" in result.output
    pot = (night / "night" / "translations" / catalogs.POT).read_text()
    assert 'msgid "Open till late"' in pot and "Add to cart" not in pot  # (base's string)
    french = (night / "night" / "translations" / "fr" / catalogs.PO).read_text()
    assert 'msgstr "Dans le sac"' in french  # the override stays
    german = (night / "night" / "translations" / "de" / catalogs.PO).read_text()
    assert 'msgid "Open till late"\nmsgstr ""' in german  # to translate
    assert run(args=["theme", "translations", "update", "night"]).output == "up to date\n"
    german = german.replace('msgid "Open till late"\nmsgstr ""',
                            'msgid "Open till late"\nmsgstr "Lange geöffnet"')
    (night / "night" / "translations" / "de" / catalogs.PO).write_text(german)
    result = run(args=["theme", "translations", "compile", "night"])
    assert "wrote themes/night/translations/de/LC_MESSAGES/messages.mo" in result.output
    assert run(args=["theme", "translations", "compile", "night"]).output == "up to date\n"
    client = store(tmp_path / "de", THEMES_DIR=str(night), THEME="night",
                   SHOPIFY_LANGUAGE="DE", SHOPIFY_COUNTRY="DE").test_client()
    assert "Lange geöffnet" in page_text(client.get("/"))
    assert run(args=["theme", "translations", "update", "--add", "xx-yy"]).exit_code == 1


# `theme check` ----------------------------------------------------------------------


@pytest.fixture
def one_page(monkeypatch):
    """theme check renders the home page alone (the store's pages have their own test)."""
    monkeypatch.setattr(theme_cli, "PAGES", [("/", 200)])
    monkeypatch.setattr(theme_cli, "JOURNEYS", False)


def test_theme_check_warns_of_a_missing_translation(night, tmp_path, one_page):
    write_theme(night, "night", templates={
        "_footer.html": '<footer>{{ _("Open till late") }} {{ _("Closed on Mondays") }}</footer>',
    })
    app = store(tmp_path, THEMES_DIR=str(night), THEME="night")
    result = app.test_cli_runner().invoke(args=["theme", "check"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # No French for the new string, and no German for either (base ships German too).
    assert ("themes/night/templates/_footer.html:1: warning: no fr translation of "
            "'Closed on Mondays'") in lines
    assert ("themes/night/templates/_footer.html:1: warning: no de translation of "
            "'Open till late'") in lines
    assert not any("Add to cart" in line for line in lines)  # base translates its own
    assert lines[-1].endswith("OK; 3 strings not translated (de, fr): warnings")

    strict = app.test_cli_runner().invoke(args=["theme", "check", "--strict"])
    assert strict.exit_code == 1
    assert strict.output.splitlines()[-1] == "theme night: 3 problems"


def test_theme_check_refuses_a_catalogue_not_compiled(night, tmp_path, one_page):
    po = night / "night" / "translations" / "fr" / catalogs.PO
    po.write_text(po.read_text().replace("Ouvert tard", "Ouvert la nuit"))
    app = store(tmp_path, THEMES_DIR=str(night), THEME="night")
    result = app.test_cli_runner().invoke(args=["theme", "check"])
    assert result.exit_code == 1
    assert ("themes/night/translations/fr/LC_MESSAGES/messages.po: messages.mo is not "
            "compiled from it: run `flask theme translations compile`") in result.output
