"""gunicorn settings used by `make demo` and docs/DEPLOY.md: `--config python:thidua.gunicorn_conf`.

After a worker has loaded Django, everything alive (modules, settings, URL
resolvers, templates…) stays for the worker's life. Moving it to Python's
permanent generation (`gc.freeze`) keeps the garbage collector from walking
those 100,000+ objects again on every full collection: measured on the
movement dashboard at the province root, a full collection cost ~60 ms on
a fifth to a third of the pages (bench/README.md).
"""

import gc


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
