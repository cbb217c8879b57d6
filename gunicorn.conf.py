"""gunicorn settings for the storefront (`gunicorn -c gunicorn.conf.py wsgi:app`).

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")

# Page views spend most of their time waiting on Shopify, so threads (gthread)
# serve many shoppers per process cheaply; two processes use both cores.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))

# Shopify calls time out after 3 s (connect) + 8 s (read), retried once for
# queries; 30 s leaves room for that and still kills a stuck worker.
timeout = 30
graceful_timeout = 20
keepalive = 5

# Recycle workers now and then so slow leaks can't build up; the jitter keeps
# them from restarting all at once.
max_requests = 5000
max_requests_jitter = 500

# Request size limits: shoppers send small forms and short URLs.
limit_request_line = 8190
limit_request_fields = 100

# Trust X-Forwarded-* only from a proxy on this machine by default.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
errorlog = "-"
