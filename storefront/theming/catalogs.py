"""A theme's gettext catalogues on disk: what needs translating, and the files that do.

What needs translating is every string a theme's own templates mark (`{% trans %}`,
`_()`, `ngettext`) and, for a root theme (no parent), the app's texts that reach pages;
`babel.cfg` names those files. A theme keeps, in `translations/`:
- `messages.pot`: the strings only this theme has (a child's own, not its parents');
- `<lang>/LC_MESSAGES/messages.po`: their translations, plus any parent string the
  theme translates again (an override, kept by `update`);
- `<lang>/LC_MESSAGES/messages.mo`: the .po compiled (`compile`), what pages read.

English (SOURCE_LANGUAGE) is the templates' own language: `update` fills its catalogue
with the strings themselves (reword one there to change the English without touching
the templates), and it is never missing anything.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from storefront.config import PROJECT_ROOT
from storefront.theming.themes import Theme

SOURCE_LANGUAGE = "en"
MAPPING = PROJECT_ROOT / "babel.cfg"
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
COMMENT_TAGS = ("NOTE:",)
POT = "messages.pot"
PO = "LC_MESSAGES/messages.po"
_GLOB = re.compile(r"[*?\[]")
LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")  # a translations/ folder name
# Header lines that change on every run: files that differ only there are left alone.
_DATES = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"\n', re.M)
HEADER = """\
# Translations of the Storefront theme {name} ({language}): see Themes in README.md.
# `flask theme translations update` writes messages.pot and brings the .po files in line
# with it; translate here, then `flask theme translations compile`."""

Key = tuple[str, str | None]  # (msgid, or a plural's singular; msgctxt)


def key(message: Message) -> Key:
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return msgid, message.context


def translated(message: Message) -> bool:
    """The message has a translation pages would use: every form filled, not fuzzy."""
    forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return not message.fuzzy and all(forms)


# What needs translating -----------------------------------------------------------


def _mapping() -> list[tuple[str, str, dict]]:
    with MAPPING.open(encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file)
    return [(pattern, method, options_map.get(pattern, {})) for pattern, method in method_map]


def _extracted(root: Path, pattern: str, method: str, options: dict,
               shown_as: str) -> Iterator[tuple[str, int, object, list, str | None]]:
    """What `pattern` (a babel.cfg glob) finds under `root`, located as `shown_as/...`."""
    parts = pattern.split("/")
    fixed = []
    while len(parts) > 1 and not _GLOB.search(parts[0]):
        fixed.append(parts.pop(0))
    folder = root.joinpath(*fixed)
    if not folder.is_dir():
        return
    found = extract_from_dir(folder, [("/".join(parts), method)], {"/".join(parts): options},
                             keywords=KEYWORDS, comment_tags=COMMENT_TAGS,
                             strip_comment_tags=True)
    prefix = "/".join(part for part in (shown_as, *fixed) if part)
    for filename, lineno, message, comments, context in found:
        yield f"{prefix}/{filename}", lineno, message, comments, context


def own_strings(theme: Theme) -> Catalog:
    """The strings `theme`'s own templates mark, and the app's texts for a root theme,
    each with where it is (`themes/base/templates/cart.html`, line)."""
    catalog = Catalog(fuzzy=False)
    for pattern, method, options in _mapping():
        if method == "python":
            if theme.parent is not None:
                continue  # (the root of the chain translates them)
            found = _extracted(PROJECT_ROOT, pattern, method, options, "")
        else:
            found = _extracted(theme.path, pattern, method, options,
                               f"{theme.path.parent.name}/{theme.name}")
        for filename, lineno, message, comments, context in found:
            catalog.add(message, None, [(filename, lineno)],
                        auto_comments=comments, context=context)
    return catalog


def chain_strings(theme: Theme) -> Catalog:
    """Every string a page rendered with `theme` may show: its chain's own strings."""
    catalog = Catalog(fuzzy=False)
    for member in reversed(theme.chain):
        for message in own_strings(member):
            if message.id:
                catalog.add(message.id, None, message.locations,
                            auto_comments=message.auto_comments, context=message.context)
    return catalog


def template(theme: Theme) -> Catalog:
    """`theme`'s messages.pot: its own strings that its parents do not have already."""
    inherited = {key(m) for m in chain_strings(theme.parent)} if theme.parent else set()
    catalog = Catalog(project=f"Storefront theme {theme.name}", fuzzy=False,
                      header_comment=HEADER.format(name=theme.name, language="template"))
    for message in own_strings(theme):
        if message.id and key(message) not in inherited:
            catalog[message.id] = message
    return catalog


# The files ------------------------------------------------------------------------


def po_path(theme: Theme, language: str) -> Path:
    return theme.path / "translations" / language / PO


def languages(theme: Theme) -> list[str]:
    """The languages `theme`'s chain has catalogues for (a child inherits its parents')."""
    found = set()
    for member in theme.chain:
        folder = member.path / "translations"
        if folder.is_dir():
            found |= {path.parent.parent.name for path in folder.glob(f"*/{PO}")}
    return sorted(found)


def read(path: Path, language: str) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=language)


def compiled(path: Path) -> bytes:
    """The .mo for the .po at `path`, made in memory (fuzzy entries left out, as always)."""
    buffer = io.BytesIO()
    write_mo(buffer, read(path, path.parent.parent.name))
    return buffer.getvalue()


def update(theme: Theme, add: tuple[str, ...] = ()) -> list[Path]:
    """Write `theme`'s messages.pot, and bring each language's .po in line with it: new
    strings come in untranslated (or fuzzy, when a changed string resembles an old one),
    gone ones leave, overrides of parent strings stay. A language of the chain (or in
    `add`) gets a .po here once the theme has strings of its own. Returns files written."""
    pot = template(theme)
    inherited = {key(m) for m in chain_strings(theme.parent)} if theme.parent else set()
    written = []
    if len(pot) or (theme.path / "translations" / POT).exists():
        written += _write(theme.path / "translations" / POT, _po_bytes(pot))
    for language in sorted(set(languages(theme)) | set(add)):
        path = po_path(theme, language)
        if path.exists():
            catalog = read(path, language)
        elif len(pot):
            catalog = Catalog(locale=language, project=pot.project, fuzzy=False,
                              header_comment=HEADER.format(name=theme.name, language=language))
        else:
            continue
        # (new Message objects for each language: Catalog.update adopts those it is given)
        wanted = Catalog(fuzzy=False)
        for message in pot:
            if message.id:
                wanted.add(message.id, None, message.locations,
                           auto_comments=message.auto_comments, context=message.context)
        for message in catalog:  # overrides: parent strings this theme translates again
            if message.id and key(message) in inherited and translated(message):
                wanted.add(message.id, None, message.locations,
                           auto_comments=message.auto_comments, context=message.context)
        catalog.update(wanted, update_creation_date=False)
        if language == SOURCE_LANGUAGE:
            _fill_source(catalog)
        written += _write(path, _po_bytes(catalog))
    return written


def compile_catalogues(theme: Theme) -> list[Path]:
    """Write the .mo of each of `theme`'s .po files that is missing or out of date."""
    written = []
    for path in sorted((theme.path / "translations").glob(f"*/{PO}")):
        written += _write(path.with_suffix(".mo"), compiled(path), ignore_dates=False)
    return written


def stale(theme: Theme) -> list[Path]:
    """The .po files of `theme`'s chain whose .mo is missing or not compiled from them."""
    out_of_date = []
    for member in theme.chain:
        for path in sorted((member.path / "translations").glob(f"*/{PO}")):
            mo = path.with_suffix(".mo")
            if not mo.exists() or mo.read_bytes() != compiled(path):
                out_of_date.append(path)
    return out_of_date


@dataclass(frozen=True)
class Missing:
    language: str
    message: Message

    @property
    def where(self) -> str:
        filename, lineno = self.message.locations[0]
        return f"{filename}:{lineno}"

    @property
    def text(self) -> str:
        return key(self.message)[0]


def missing(theme: Theme) -> list[Missing]:
    """Each string pages rendered with `theme` may show that a language of its chain does
    not translate (empty, or fuzzy), by language; English never misses any."""
    wanted = [m for m in chain_strings(theme) if m.id]
    found = []
    for language in languages(theme):
        if language == SOURCE_LANGUAGE:
            continue
        done: set[Key] = set()
        for member in theme.chain:
            path = po_path(member, language)
            if path.exists():
                done |= {key(m) for m in read(path, language) if m.id and translated(m)}
        found += [Missing(language, m) for m in wanted if key(m) not in done]
    return found


def _fill_source(catalog: Catalog) -> None:
    """English says what the templates say, unless someone reworded a string here."""
    for message in catalog:
        if message.id and (message.fuzzy or not translated(message)):
            message.string = message.id if isinstance(message.id, str) else tuple(message.id)
            message.flags.discard("fuzzy")


def _po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    # No line numbers: a template edit elsewhere in a file changes no catalogue.
    write_po(buffer, catalog, ignore_obsolete=True, include_lineno=False, width=88)
    return buffer.getvalue()


def _write(path: Path, data: bytes, ignore_dates: bool = True) -> list[Path]:
    """Write `data` to `path` unless it holds that already (dates aside); [path] or []."""
    if path.exists():
        old = path.read_bytes()
        if old == data or (ignore_dates and _DATES.sub(b"", old) == _DATES.sub(b"", data)):
            return []
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return [path]
