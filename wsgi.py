"""The WSGI entry point: `gunicorn wsgi:app`."""

import sys

from storefront import create_app
from storefront.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    # A settings mistake is the operator's to fix: say what, without a traceback.
    print(f"storefront: cannot start: {error}", file=sys.stderr, flush=True)
    sys.exit(1)
