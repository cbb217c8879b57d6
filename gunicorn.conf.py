"""gunicorn settings for the storefront (`gunicorn -c gunicorn.conf.py wsgi:app`).

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import os
import sys

bind = os.environ.get("BIND", "127.0.0.1:8000")

# Chosen with `python -m bench --sweep` (creator home, 16 connections, 2 cores,
# 2026-11-25): 4 workers served 1,843-2,584 req/s against 1,383-1,458 with 2,
# at about 65 MB each; the thread count barely mattered for cached pages
# (4, 8, 16 within noise). gthread: a cold page waits ~100 ms on Shopify, and
# threads let one process keep serving cached pages meanwhile. So: two
# processes per core, four threads each.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A page view waits on Shopify SHOPIFY_BUDGET_SECONDS (8) at most, retries
# included; 30 s leaves room for that and still kills a stuck worker.
timeout = 30
graceful_timeout = 20
# deploy/nginx.conf drops idle upstream connections after 4 s: keep this above
# it, or a request can be sent down a connection gunicorn is closing (a 502).
keepalive = 5
# Each worker's heartbeat touches a file several times a second: in memory
# (tmpfs) where the machine has it, rather than on a disk or an overlay /tmp
# (gunicorn's docs advise it in containers; 1% of a webhook's CPU here).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Recycle workers now and then so slow leaks can't build up; the jitter keeps
# them from restarting all at once. Measured: at 5,000 a worker restarted every
# 5-10 s under load, each time with an empty in-process cache and a p99 of
# 300-900 ms; 100,000 is minutes at full load and hours at ordinary traffic.
max_requests = 100_000
max_requests_jitter = 10_000

# Request size limits: shoppers send small forms and short URLs.
limit_request_line = 8190
limit_request_fields = 100

# Trust X-Forwarded-* only from a proxy on this machine by default.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
# gunicorn's access line, made from only the headers and environ keys its
# format names (gunicorn builds an entry for every one of them on every request).
logger_class = "storefront.access_log.AccessLog"
errorlog = "-"


def on_starting(server):
    # Check the settings here, in the master, before any worker forks: a worker
    # that fails to boot on a bad setting is restarted forever, printing the
    # same message each time. Here it is said once and the server exits.
    from storefront import check_settings
    from storefront.config import ConfigError

    try:
        check_settings(os.environ)
    except ConfigError as error:
        print(f"storefront: cannot start: {error}", file=sys.stderr, flush=True)
        sys.exit(1)


def post_worker_init(worker):
    # Threads don't survive the fork: each worker starts its own (the creators
    # watcher) here, before it serves. Not on its first request through Flask:
    # a worker that only answers page-cache hits below Flask would never start
    # them, and would keep showing an edited or paused creator as it was.
    # Every app built in this process is started (storefront.lifecycle keeps
    # them), however gunicorn's app is wrapped or named. Then what starting made
    # is frozen, out of the garbage collector's full passes (ready_worker says why).
    from storefront import lifecycle

    lifecycle.ready_worker()


def worker_exit(server, worker):
    # Creator funnel counts are written every FUNNELS_FLUSH_SECONDS by a thread
    # of each worker; a worker going away (a restart, a deploy) writes the rest.
    from storefront.funnels.recorder import flush_all

    flush_all()
