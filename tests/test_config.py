"""Settings: defaults, and a clear message naming the variable when one is wrong."""

import pytest

from storefront import config, create_app


def test_defaults_run_the_demo_shop():
    settings = config.load({})
    assert settings["SHOPIFY_STORE_DOMAIN"] is None
    assert settings["SHOPIFY_API_VERSION"] == "2026-04"
    assert settings["THEME"] == "base"
    assert settings["CACHE_TYPE"] == "SimpleCache"
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
        "SECRET_KEY": "s" * 64,
    })
    assert settings["SHOPIFY_STORE_DOMAIN"] == "shop.myshopify.com"


def test_create_app_refuses_a_bad_setting():
    with pytest.raises(config.ConfigError, match="ATTRIBUTION_MODEL"):
        create_app({"ATTRIBUTION_MODEL": "everyone"})


def test_wsgi_prints_the_problem_and_exits(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=config.PROJECT_ROOT,
        env={"PATH": "", "SHOPIFY_API_VERSION": "latest"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "SHOPIFY_API_VERSION='latest' is not valid" in result.stderr
    assert "Traceback" not in result.stderr
