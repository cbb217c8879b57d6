"""`make audit`: Lighthouse on the store's main pages, against Debian's Chromium.

The store runs as `make run` does (gunicorn, the shipped configuration, the
embedded demo shop) on a loopback port, and Lighthouse (installed from npm into
`.audit/` by this script, pinned) opens home, a collection, a product, a cart
holding a line, and a creator's landing page, for each theme asked for.

The targets: at least 95 for performance, accessibility and best practices on
every page, and 100 for SEO on the pages meant for search engines. Pages that say
`noindex` by design (the cart, which is one shopper's, and a creator's landing page,
whose canonical page is the brand's home) are not crawlable on purpose: the audit
reports their SEO score with that reason instead of failing them, as long as not
being crawlable is the only SEO finding.

Reports (Lighthouse's JSON, and summary.json) go to bench-results/audit-<time>/.
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.servers import gunicorn
from tests.support.processes import ROOT

LIGHTHOUSE = "lighthouse@12.2.3"  # the last release for Node 20 (Debian's is 20)
TOOLS = ROOT / ".audit"
CHROMIUM = Path("/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGET = 95
SEO_TARGET = 100
PRODUCT = "/products/organic-cotton-tee"
# What a noindex page fails by design: not crawlable, and (a creator's landing page)
# its canonical URL is the brand's home.
BY_DESIGN = {"is-crawlable", "canonical"}
_CSRF = re.compile(r'name="csrf-token" content="([^"]*)"')


def lighthouse() -> Path:
    """The pinned Lighthouse under .audit/, installed on first use."""
    binary = TOOLS / "node_modules" / ".bin" / "lighthouse"
    installed = TOOLS / "node_modules" / "lighthouse" / "package.json"
    wanted = LIGHTHOUSE.rsplit("@", 1)[1]
    if not (binary.exists() and json.loads(installed.read_text()).get("version") == wanted):
        TOOLS.mkdir(exist_ok=True)
        print(f"installing {LIGHTHOUSE} into {TOOLS.relative_to(ROOT)}/ ...", flush=True)
        subprocess.run(["npm", "install", "--prefix", str(TOOLS), "--save-exact", "--no-audit",
                        "--no-fund", LIGHTHOUSE], check=True)
    return binary


def cart_cookie(base: str) -> str:
    """A Cookie header for a visitor whose cart holds one line (added as a shopper would)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + PRODUCT).read().decode()
    token = _CSRF.search(page).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "variant_id": "1003", "quantity": "1"})
    opener.open(base + "/cart/add", data=form.encode()).read()
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def run_lighthouse(binary: Path, url: str, out: Path, headers: dict[str, str] | None) -> dict:
    command = [
        str(binary), url, f"--chrome-path={CHROMIUM}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--output=json", f"--output-path={out}", "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    if headers:
        command.append(f"--extra-headers={json.dumps(headers)}")
    subprocess.run(command, check=True, timeout=300)
    return json.loads(out.read_text())


def verdict(report: dict) -> tuple[dict[str, int], list[str], str]:
    """(scores, what misses a target, a note) of one page's report."""
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    audits = report["audits"]
    missed = [f"{name} {scores[name]} < {TARGET}" for name in CATEGORIES[:3]
              if scores[name] < TARGET]
    note = ""
    failing_seo = [
        ref["id"] for ref in report["categories"]["seo"]["auditRefs"]
        if ref.get("weight") and (audits[ref["id"]].get("score") or 0) < 1
    ]
    if "is-crawlable" in failing_seo and set(failing_seo) <= BY_DESIGN:
        note = "noindex by design: not for search engines"
    elif scores["seo"] < SEO_TARGET:
        missed.append(f"seo {scores['seo']} < {SEO_TARGET} ({', '.join(failing_seo)})")
    return scores, missed, note


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make audit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--theme", action="append", help="a theme to audit (repeatable); "
                        "default: every shipped theme")
    parser.add_argument("--creator", default="maya", help="whose landing page (default maya)")
    parser.add_argument("--out", type=Path, help="where the reports go "
                        "(default bench-results/audit-<time>)")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    themes = args.theme or sorted(p.parent.name for p in (ROOT / "themes").glob("*/theme.toml"))
    out = args.out or ROOT / "bench-results" / time.strftime("audit-%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    binary = lighthouse()
    pages = [("home", "/"), ("collection", "/collections/apparel"), ("product", PRODUCT),
             ("cart", "/cart"), (f"creator @{args.creator}", f"/@{args.creator}")]
    summary, failed = [], False
    for theme in themes:
        server = gunicorn("wsgi:app", {"THEME": theme, "SHOPIFY_STORE_DOMAIN": "",
                                       "DEMO_SHOP_CART_DB": str(out / f"carts-{theme}.sqlite3"),
                                       "INSTANCE_DIR": str(out / f"instance-{theme}"),
                                       "FUNNELS_URL": "off"})
        try:
            cookie = cart_cookie(server.url)
            for name, path in pages:
                headers = {"Cookie": cookie} if path == "/cart" else None
                report = run_lighthouse(binary, server.url + path,
                                        out / f"{theme}-{name.split()[0]}.json", headers)
                scores, missed, note = verdict(report)
                failed = failed or bool(missed)
                summary.append({"theme": theme, "page": name, "path": path, **scores,
                                "missed": missed, "note": note})
                shown = "  ".join(f"{key} {scores[key]:3d}" for key in CATEGORIES)
                tail = "; ".join(missed) or note or "OK"
                print(f"{theme:8} {name:16} {shown}  {tail}", flush=True)
        finally:
            server.stop()
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(f"reports in {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    print("audit: " + ("targets missed" if failed else
                       f"every page at least {TARGET} (SEO {SEO_TARGET} where indexed)"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
