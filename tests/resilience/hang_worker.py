"""`python -m tests.resilience.hang_worker worker ...`: a Celery worker whose pack builds hang
(after the pack is marked building, before the PDF is written) while the file named by
KVI_HANG_BUILDS_WHILE exists, so a test can kill it mid-build at a known point. Unacked
messages become visible again after 3 s instead of the configured timeout."""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvi_portal.settings")
django.setup()

from kvi_portal.celery import app  # noqa: E402
from kvis import packs  # noqa: E402

FLAG = os.environ.get("KVI_HANG_BUILDS_WHILE", "")
_render_pack = packs.render_pack


def _render_pack_unless_held(pack, built_at):
    while FLAG and os.path.exists(FLAG):
        time.sleep(0.1)
    return _render_pack(pack, built_at)


packs.render_pack = _render_pack_unless_held
app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

if __name__ == "__main__":
    app.worker_main(sys.argv[1:])
