"""Settings: defaults, and a clear message naming the variable when one is wrong."""

import pytest

from storefront import config, create_app
from tests.support import STRONG_KEY


def test_defaults_run_the_demo_shop():
    settings = config.load({})
    assert settings["SHOPIFY_STORE_DOMAIN"] is None
    assert settings["SHOPIFY_API_VERSION"] == "2026-04"
    assert settings["THEME"] == "base"
    assert settings["CACHE_TYPE"] == "SQLiteCache"  # shared by the workers of the machine
    assert settings["ATTRIBUTION_WINDOW_DAYS"] == 30
    assert settings["ATTRIBUTION_MODEL"] == "last_click"
    assert settings["SECRET_KEY"] == config.DEMO_SECRET_KEY
    assert settings["SHOPIFY_READ_TIMEOUT"] < 30  # well under gunicorn's worker timeout


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"SHOPIFY_API_VERSION": "2026-05"}, "SHOPIFY_API_VERSION"),
        ({"SHOPIFY_STORE_DOMAIN": "not a domain"}, "SHOPIFY_STORE_DOMAIN"),
        ({"SHOPIFY_STORE_DOMAIN": "http://127.0.0.1:9/path"}, "SHOPIFY_STORE_DOMAIN"),
        ({"SHOPIFY_READ_TIMEOUT": "soon"}, "SHOPIFY_READ_TIMEOUT"),
        ({"SHOPIFY_CONNECT_TIMEOUT": "0"}, "SHOPIFY_CONNECT_TIMEOUT"),
        ({"ATTRIBUTION_WINDOW_DAYS": "0"}, "ATTRIBUTION_WINDOW_DAYS"),
        ({"ATTRIBUTION_MODEL": "linear"}, "ATTRIBUTION_MODEL"),
        ({"CACHE_TYPE": "Memcached"}, "CACHE_TYPE"),
        ({"CACHE_TYPE": "RedisCache"}, "CACHE_REDIS_URL"),
        ({"CACHE_TYPE": "FileSystemCache"}, "CACHE_DIR"),
        ({"THEME": "../etc"}, "THEME"),
        ({"THEME": "nosuchtheme"}, "THEME"),
        ({"CREATORS_DIR": "/nonexistent/creators"}, "CREATORS_DIR"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT"),
        ({"SHOPIFY_STORE_DOMAIN": "shop.myshopify.com", "SECRET_KEY": "k" * 40},
         "SHOPIFY_STOREFRONT_TOKEN"),
        ({"SHOPIFY_STORE_DOMAIN": "shop.myshopify.com", "SHOPIFY_STOREFRONT_TOKEN": "t"},
         "SECRET_KEY"),
    ],
)
def test_a_wrong_setting_names_the_variable(environ, named):
    with pytest.raises(config.ConfigError) as caught:
        config.load(environ)
    message = str(caught.value)
    assert message.startswith(named)
    assert "set" in message.lower() or "use" in message.lower() or "create" in message.lower()


def test_a_real_shop_with_token_and_key_is_accepted():
    settings = config.load({
        "SHOPIFY_STORE_DOMAIN": "shop.myshopify.com",
        "SHOPIFY_STOREFRONT_TOKEN": "public",
        "SECRET_KEY": STRONG_KEY,
        "SECRET_KEY_FALLBACKS": f"{STRONG_KEY[::-1]}, {STRONG_KEY.upper()}",
    })
    assert settings["SHOPIFY_STORE_DOMAIN"] == "shop.myshopify.com"
    assert len(settings["SECRET_KEY_FALLBACKS"]) == 2


REAL_SHOP = {"SHOPIFY_STORE_DOMAIN": "shop.myshopify.com", "SHOPIFY_STOREFRONT_TOKEN": "t"}


@pytest.mark.parametrize("weak", ["dev", "changeme", "CHANGEME", "short-but-random-7f3a",
                                  "k" * 40, "ab" * 20, "0123456789abcdef" * 2,
                                  "aaaabbbbccccdddd" * 3])
def test_every_key_that_verifies_cookies_must_be_strong_with_a_real_shop(weak):
    with pytest.raises(config.ConfigError) as caught:
        config.load({**REAL_SHOP, "SECRET_KEY": weak})
    assert str(caught.value).startswith("SECRET_KEY is too weak")
    with pytest.raises(config.ConfigError) as caught:
        config.load({**REAL_SHOP, "SECRET_KEY": STRONG_KEY,
                     "SECRET_KEY_FALLBACKS": f"{STRONG_KEY[::-1]},{weak}"})
    message = str(caught.value)
    assert message.startswith("SECRET_KEY_FALLBACKS (key 2) is too weak")
    assert weak not in message  # a key, even a weak one, is never printed
    assert "secrets.token_hex(32)" in message


def test_the_demo_shop_takes_any_keys():
    settings = config.load({"SECRET_KEY": "dev", "SECRET_KEY_FALLBACKS": "changeme"})
    assert settings["SECRET_KEY_FALLBACKS"] == ["changeme"]


def test_instance_dir_holds_the_stores_own_files(tmp_path):
    app = create_app({"INSTANCE_DIR": str(tmp_path / "state")})
    assert app.instance_path == str(tmp_path / "state")
    app.test_client().get("/")
    assert (tmp_path / "state" / "demo-shop-carts.sqlite3").exists()
    assert (tmp_path / "state" / "funnels.sqlite3").exists()
    assert config.load({"INSTANCE_DIR": "var/store"})["INSTANCE_DIR"] == str(
        config.PROJECT_ROOT / "var" / "store")


def test_create_app_refuses_a_bad_setting():
    with pytest.raises(config.ConfigError, match="ATTRIBUTION_MODEL"):
        create_app({"ATTRIBUTION_MODEL": "everyone"})


def test_wsgi_prints_the_problem_and_exits(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=config.PROJECT_ROOT,
        env={"PATH": "", "PYTHONDONTWRITEBYTECODE": "1", "SHOPIFY_API_VERSION": "latest"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "SHOPIFY_API_VERSION='latest' is not valid" in result.stderr
    assert "Traceback" not in result.stderr
