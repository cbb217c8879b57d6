"""`python -m storefront.demo_shop serve --port 8100`."""

from storefront.demo_shop.cli import demo_shop_cli

if __name__ == "__main__":
    demo_shop_cli(prog_name="python -m storefront.demo_shop")
