"""Every setting of the storefront: its default, and a check that says what to fix.

Settings come from the environment (or `create_app(test_config)` in tests).
A wrong or missing value stops the start with a ConfigError naming the
variable and what to do about it, instead of failing later on a request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Used only with the embedded demo shop, where nothing real is at stake; a real
# shop refuses to start without a SECRET_KEY of its own.
DEMO_SECRET_KEY = "demo-shop-only-not-a-secret"
MIN_SECRET_LENGTH = 32
# A random key of 32 hex digits holds 8 different ones or more all but never
# (fewer: about 1 in 30 million); 40 copies of one character hold 1.
MIN_KEY_DISTINCT = 8
WEAK_KEYS = {DEMO_SECRET_KEY, "changeme", "secret", "dev", "development"}
# With the demo shop and no SHOPIFY_WEBHOOK_SECRET, the demo checkout signs its
# order webhooks with HMAC-SHA256(SECRET_KEY, this label): every worker derives
# the same secret, and the store's /webhooks/shopify checks it. Never with a real shop.
DEMO_WEBHOOK_LABEL = b"storefront.demo-shop.webhook-secret.v1"

CACHE_TYPES = {
    "NullCache",
    "SimpleCache",
    "SQLiteCache",
    "FileSystemCache",
    "RedisCache",
    "RedisSentinelCache",
    "RedisClusterCache",
}


class ConfigError(Exception):
    """A setting is wrong or missing; the message says which and what to do."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Any = str


def _positive_float(value: str) -> float:
    number = float(value)
    if not number > 0:
        raise ValueError("must be greater than 0")
    return number


def _seconds_up_to(limit: float):
    def parse(value: str) -> float:
        number = float(value)
        if not 0 < number <= limit:
            raise ValueError(f"must be more than 0 and at most {limit:g}")
        return number

    return parse


def _list(value: str | list) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part.strip() for part in value.split(",") if part.strip()]


def _non_negative_float(value: str) -> float:
    number = float(value)
    if not number >= 0:
        raise ValueError("must be 0 or more")
    return number


def _int_between(low: int, high: int):
    def parse(value: str) -> int:
        number = int(value)
        if not low <= number <= high:
            raise ValueError(f"must be between {low} and {high}")
        return number

    return parse


def _percent(value: str) -> Decimal:
    # A Decimal, never a float: it multiplies money (storefront.orders.commission).
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise ValueError("must be a number like 10 or 12.5") from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise ValueError("must be a number from 0 to 100")
    if -number.as_tuple().exponent > 4:
        raise ValueError("must have at most 4 decimal places")
    return abs(number) if number.is_zero() else number


def _one_of(*choices: str):
    def parse(value: str) -> str:
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return value

    return parse


def _matching(pattern: str, description: str):
    regex = re.compile(pattern)

    def parse(value: str) -> str:
        if not regex.fullmatch(value):
            raise ValueError(f"must be {description}")
        return value

    return parse


def _store_domain(value: str) -> str:
    value = value.strip().rstrip("/")
    if "://" in value:
        if not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+(:\d+)?", value):
            raise ValueError("must be http(s)://host[:port] with no path")
    elif not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.\-]*\.[A-Za-z]{2,}", value):
        raise ValueError("must be a domain like your-shop.myshopify.com")
    return value


def _flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("must be true or false")


SETTINGS = [
    Setting("SHOPIFY_STORE_DOMAIN", None, "unset for the demo shop; your-shop.myshopify.com, "
            "or http(s)://host:port", _store_domain),
    Setting("SHOPIFY_STOREFRONT_TOKEN", None, "the Storefront API public access token"),
    Setting("SHOPIFY_STOREFRONT_PRIVATE_TOKEN", None, "optional private (server) token"),
    Setting("SHOPIFY_API_VERSION", "2026-04", "a Storefront API version like 2026-04",
            _matching(r"\d{4}-(01|04|07|10)|unstable", "a quarterly version like 2026-04")),
    Setting("SHOPIFY_WEBHOOK_SECRET", None, "the app's webhook signing secret"),
    # Secret, like the others: never logged nor shown. Only approving a change to a
    # creator kept in a metaobject uses it (storefront.self_service.metaobject_write).
    Setting("SHOPIFY_ADMIN_TOKEN", None, "an Admin API access token with the "
            "write_metaobjects scope, to write approved creator changes into their "
            "metaobjects (CREATORS_SOURCE=shopify or both)"),
    Setting("SHOPIFY_WEBHOOK_SECRET_PREVIOUS", None,
            "the previous webhook secret, also accepted while you rotate it"),
    Setting("SHOPIFY_CONNECT_TIMEOUT", 3.0, "seconds to connect to Shopify", _positive_float),
    Setting("SHOPIFY_READ_TIMEOUT", 8.0, "seconds to wait for Shopify's reply", _positive_float),
    # Bounded waits on Shopify (storefront.shopify.client): the page view's
    # budget, and how many threads of a worker may wait on Shopify at once.
    Setting("SHOPIFY_BUDGET_SECONDS", 8.0, "the most seconds a page view waits on Shopify, "
            "retries included: more than 0 and at most 25 (gunicorn stops a worker whose "
            "request takes 30)", _seconds_up_to(25)),
    Setting("SHOPIFY_CONCURRENCY", None, "how many threads of a worker may wait on Shopify "
            "at once, 1 or more (default: GUNICORN_THREADS - 1, so one always serves cached "
            "pages)", _int_between(1, 1024)),
    Setting("SHOPIFY_COUNTRY", "US", "the buyer country for prices (ISO 3166 alpha-2)",
            _matching(r"[A-Z]{2}", "two capital letters like US")),
    Setting("SHOPIFY_LANGUAGE", "EN", "the language for content (ISO 639 code)",
            _matching(r"[A-Z]{2}(_[A-Z]{2,4})?", "a language code like EN or PT_BR")),
    Setting("MARKET_COUNTRY_HEADER", "", "the request header in which your CDN or proxy "
            "reports the visitor's country (CF-IPCountry, CloudFront-Viewer-Country), for "
            "the market suggestion; empty: the browser's language region alone",
            _matching(r"([A-Za-z0-9-]{1,64})?", "a header name like CF-IPCountry")),
    Setting("TRUSTED_PROXY_COUNT", 0, "how many proxies in front of the app set "
            "X-Forwarded-For", _int_between(0, 10)),
    Setting("SECRET_KEY", None, "a long random string that signs cookies"),
    Setting("SECRET_KEY_FALLBACKS", [], "previous SECRET_KEYs, comma-separated, still "
            "accepted while you rotate", _list),
    Setting("TRUSTED_HOSTS", [], "host names this store answers to, comma-separated "
            "(empty: any); other Host headers get 400", _list),
    Setting("INSTANCE_DIR", "instance", "the folder for the store's own files (funnel counts, "
            "the demo shop's carts, the creator-scan lock); relative paths are taken from "
            "the project folder"),
    Setting("CREATORS_DIR", "creators", "the folder of creator files"),
    Setting("CREATORS_RELOAD_SECONDS", 2.0, "how often creator files are checked for changes "
            "(0: only at start and on SIGHUP)", _non_negative_float),
    Setting("CREATORS_SOURCE", "files", "files (creator files in CREATORS_DIR), shopify "
            "(Shopify metaobjects) or both (files win on a clash)",
            _one_of("files", "shopify", "both")),
    Setting("CREATORS_METAOBJECT_TYPE", "creator", "the type of the creators' metaobjects "
            "in Shopify, e.g. creator", _matching(r"[A-Za-z0-9_$:-]{1,255}",
                                                   "a metaobject type like creator")),
    Setting("CREATORS_POLL_SECONDS", 300.0, "how often creators are read again from Shopify "
            "besides the metaobjects/* webhooks (0: on webhooks only)", _non_negative_float),
    Setting("CREATORS_SHOP_CHECK_HOURS", 6.0, "how often creators' discount codes are "
            "checked against the shop in the background, with a cart per code (0: never; "
            "`flask creators check --shop` checks on demand)", _non_negative_float),
    Setting("CREATORS_PAGE_SIZE", 250, "metaobjects asked for per request, 1 to 250 (smaller "
            "when Shopify says a query is too costly)", _int_between(1, 250)),
    Setting("THEME", "base", "the name of a folder in themes/",
            _matching(r"[a-z0-9][a-z0-9_-]*", "a theme folder name like base")),
    Setting("THEMES_DIR", None, "the folder holding the themes (default: themes/ in the project)"),
    Setting("CACHE_TYPE", "SQLiteCache", "the shared cache tier: SQLiteCache (a file the "
            "workers of this machine share), RedisCache (across machines), SimpleCache (one "
            "process alone), or another flask-caching backend",
            _one_of(*sorted(CACHE_TYPES))),
    Setting("CACHE_REDIS_URL", None, "redis://host:port/db for RedisCache",
            _matching(r"(redis|rediss|unix)://.+", "a URL like redis://127.0.0.1:6379/0")),
    Setting("CACHE_DIR", None, "the folder for SQLiteCache (default: instance/cache) or "
            "FileSystemCache"),
    Setting("CACHE_SQLITE_MAX_BYTES", 512 * 1024 * 1024, "bytes of values SQLiteCache keeps "
            "before dropping those closest to expiring", _int_between(1024 * 1024, 1 << 40)),
    Setting("CACHE_LOCAL_BYTES", 16 * 1024 * 1024, "bytes each process keeps in front of a "
            "shared cache (0: none)", _int_between(0, 1 << 34)),
    Setting("CACHE_LOCAL_SECONDS", 10.0, "seconds an entry is kept in front of the shared "
            "cache", _non_negative_float),
    Setting("CACHE_TIMEOUT_MS", 250, "connect and read timeout of the Redis cache",
            _int_between(10, 10_000)),
    Setting("CACHE_BREAKER_SECONDS", 5.0, "after a shared-cache failure, seconds it is left "
            "alone (pages come from the local tier and Shopify)", _non_negative_float),
    Setting("CACHE_DEFAULT_TIMEOUT", 300, "seconds", _int_between(0, 31_536_000)),
    Setting("CACHE_KEY_PREFIX", "storefront:", "prefix of every cache key"),
    Setting("CACHE_THRESHOLD", 5000, "entries a SimpleCache or FileSystemCache keeps "
            "(pages of many creators need room)", _int_between(100, 10_000_000)),
    Setting("ATTRIBUTION_WINDOW_DAYS", 30, "days a referral counts", _int_between(1, 365)),
    Setting("ATTRIBUTION_MODEL", "last_click", "last_click or first_click",
            _one_of("last_click", "first_click")),
    Setting("DEMO_SHOP_CART_DB", None, "the demo shop's cart database file "
            "(default: instance/demo-shop-carts.sqlite3)"),
    Setting("DEMO_SHOP_WEBHOOK_URL", None, "where the demo shop's orders send their "
            "webhooks, an http(s):// URL (default: this store's /webhooks/shopify at the "
            "address the shopper used)", _matching(r"https?://[^\s/]+(/\S*)?",
                                                    "an http(s):// URL")),
    Setting("MAIN_MENU", "main-menu", "handle of the header menu"),
    Setting("FOOTER_MENU", "footer", "handle of the footer menu"),
    Setting("DEBUG", False, "true or false", _flag),
    Setting("PAGE_FAST_PATH", True, "true or false: answer page-cache hits below Flask", _flag),
    Setting("FUNNELS_URL", None, "where creator funnel counts go: sqlite:///file (relative "
            "to instance/, or sqlite:////absolute/path), redis://host:port/db, or off "
            "(default: the Redis of CACHE_REDIS_URL when CACHE_TYPE is Redis, else "
            "sqlite:///funnels.sqlite3)",
            _matching(r"off|sqlite:///.+|(redis|rediss|unix)://.+",
                      "off, sqlite:///file or redis://host:port/db")),
    Setting("FUNNELS_RETENTION_DAYS", 30, "days visitor ids (keyed hashes, for unique-visitor "
            "counts) are kept; daily counts are kept for good", _int_between(1, 3660)),
    Setting("FUNNELS_FLUSH_SECONDS", 2.0, "how often each worker writes its counts",
            _positive_float),
    Setting("DATABASE_URL", None, "the orders ledger's database: sqlite:///file (relative to "
            "instance/, or sqlite:////absolute/path) or postgresql://... (default: "
            "sqlite:///orders.sqlite3 in INSTANCE_DIR)",
            _matching(r"(sqlite|postgres|postgresql(\+\w+)?)://.+",
                      "sqlite:///file or postgresql://user@host/db")),
    Setting("ORDERS_CONFLICT", "link", "link or code: who gets an order whose link (the "
            "_creator attribute or landing page) and discount code name different creators",
            _one_of("link", "code")),
    Setting("COMMISSION_PERCENT", Decimal(10), "the commission of creators whose file has no "
            "[commission]: a percentage of each credited order's net sales, 0 to 100 "
            "(e.g. 10 or 12.5)", _percent),
    Setting("COMMISSION_HOLD_DAYS", 30, "days after an order is placed before its commission "
            "becomes payable (returns and refunds come in meanwhile), 0 to 365",
            _int_between(0, 365)),
    Setting("ADMIN_USERNAME", None, "the user name for /admin (unset: /admin is off)"),
    Setting("ADMIN_PASSWORD", None, "the password for /admin: plain, or a hash from "
            "werkzeug.security.generate_password_hash"),
    Setting("LOG_LEVEL", "INFO", "DEBUG (a line per request), INFO (a line per Storefront "
            "request), WARNING or ERROR", _one_of("DEBUG", "INFO", "WARNING", "ERROR")),
]


def load(source: Mapping[str, Any]) -> dict[str, Any]:
    """Validated settings from `source` (the environment, or a test's mapping)."""
    config: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = source.get(setting.name)
        if raw is None or raw == "":
            config[setting.name] = setting.default
            continue
        if not isinstance(raw, str):
            config[setting.name] = raw  # already typed, from a test's config
            continue
        try:
            config[setting.name] = setting.parse(raw)
        except ValueError as exc:
            raise ConfigError(
                f"{setting.name}={raw!r} is not valid: {exc}. Set it to {setting.help}."
            ) from None
    _check_together(config)
    _default_shopify_concurrency(config, source)
    return config


def _default_shopify_concurrency(config: dict[str, Any], source: Mapping[str, Any]) -> None:
    """One less than gunicorn's threads per worker (gunicorn.conf.py reads
    GUNICORN_THREADS, default 4): a worker keeps a thread for cached pages."""
    if config["SHOPIFY_CONCURRENCY"] is not None:
        return
    raw = source.get("GUNICORN_THREADS") or "4"
    try:
        threads = int(raw)
    except ValueError:
        raise ConfigError(f"GUNICORN_THREADS={raw!r} is not valid: must be a whole number. "
                          "Set it to the threads per gunicorn worker, e.g. 4.") from None
    config["SHOPIFY_CONCURRENCY"] = max(1, threads - 1)


def _check_signing_key(name: str, key: str) -> None:
    """Every key that verifies cookies must be one nobody can guess: a forged
    referral or session signed with a weak fallback is as good as a real one."""
    if key.lower() in WEAK_KEYS:
        problem = "is a well-known value"
    elif len(key) < MIN_SECRET_LENGTH:
        problem = f"has {len(key)} characters"
    elif len(set(key)) < MIN_KEY_DISTINCT or _repeats(key):
        problem = "repeats a few characters"
    else:
        return
    raise ConfigError(
        f"{name} is too weak for a real shop: it {problem}. Use at least "
        f"{MIN_SECRET_LENGTH} random characters, e.g. "
        "`python -c 'import secrets; print(secrets.token_hex(32))'`."
    )


def demo_webhook_secret(secret_key: str) -> str:
    """The webhook secret of a store on the demo shop that was given none."""
    return hmac.new(secret_key.encode(), DEMO_WEBHOOK_LABEL, hashlib.sha256).hexdigest()


def _repeats(key: str) -> bool:
    """True for a short pattern over and over (abab..., 0123456701234567...)."""
    return any(key == (key[:size] * (len(key) // size + 1))[:len(key)]
               for size in range(1, len(key) // 2 + 1))


def _from_project(path: str) -> Path:
    """A setting's folder: absolute as given, or relative to the project folder."""
    folder = Path(path)
    return folder if folder.is_absolute() else PROJECT_ROOT / folder


def _check_together(config: dict[str, Any]) -> None:
    real_shop = config["SHOPIFY_STORE_DOMAIN"] is not None
    if real_shop:
        if not (config["SHOPIFY_STOREFRONT_TOKEN"] or config["SHOPIFY_STOREFRONT_PRIVATE_TOKEN"]):
            raise ConfigError(
                "SHOPIFY_STOREFRONT_TOKEN is missing: a real shop is configured "
                "(SHOPIFY_STORE_DOMAIN), so set SHOPIFY_STOREFRONT_TOKEN to its Storefront "
                "API access token (or SHOPIFY_STOREFRONT_PRIVATE_TOKEN)."
            )
        if not config["SECRET_KEY"]:
            raise ConfigError(
                "SECRET_KEY is missing: a real shop is configured, so set SECRET_KEY to a "
                "long random string, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`."
            )
        _check_signing_key("SECRET_KEY", config["SECRET_KEY"])
        for number, key in enumerate(config["SECRET_KEY_FALLBACKS"], 1):
            _check_signing_key(f"SECRET_KEY_FALLBACKS (key {number})", key)
        if config["DEBUG"]:
            raise ConfigError(
                "DEBUG=true with a real shop: the debugger would show code and settings to "
                "anyone. Unset DEBUG in production."
            )
    elif not config["SECRET_KEY"]:
        config["SECRET_KEY"] = DEMO_SECRET_KEY
    if not real_shop and not config["SHOPIFY_WEBHOOK_SECRET"]:
        config["SHOPIFY_WEBHOOK_SECRET"] = demo_webhook_secret(config["SECRET_KEY"])
    if config["CACHE_TYPE"].startswith("Redis") and not config["CACHE_REDIS_URL"]:
        raise ConfigError(
            f"CACHE_REDIS_URL is missing: CACHE_TYPE={config['CACHE_TYPE']} needs it; "
            "set it to your Redis server's URL, e.g. redis://127.0.0.1:6379/0."
        )
    if config["CACHE_TYPE"] == "FileSystemCache" and not config["CACHE_DIR"]:
        raise ConfigError(
            "CACHE_DIR is missing: CACHE_TYPE=FileSystemCache needs it; set it to a folder "
            "all workers can write to."
        )
    if bool(config["ADMIN_USERNAME"]) != bool(config["ADMIN_PASSWORD"]):
        raise ConfigError(
            "ADMIN_USERNAME and ADMIN_PASSWORD go together: set both to open /admin, "
            "or neither to keep it off."
        )
    config["INSTANCE_DIR"] = str(_from_project(config["INSTANCE_DIR"]))
    creators = _from_project(config["CREATORS_DIR"])
    if not creators.is_dir():
        raise ConfigError(
            f"CREATORS_DIR={config['CREATORS_DIR']!r}: no such folder ({creators}). "
            "Create it or point CREATORS_DIR at your creator files."
        )
    config["CREATORS_DIR"] = str(creators)
    themes = Path(config["THEMES_DIR"] or "themes")
    if not (PROJECT_ROOT / themes / config["THEME"]).is_dir():
        raise ConfigError(
            f"THEME={config['THEME']!r}: there is no folder {themes / config['THEME']}/. "
            "Use base or the name of one of your themes."
        )
    if config["THEMES_DIR"]:
        config["THEMES_DIR"] = str(PROJECT_ROOT / themes)
