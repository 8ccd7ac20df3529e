"""Settings for `make bench` only (DJANGO_SETTINGS_MODULE=kvi_portal.bench_settings): the
project's settings with a urlconf that adds the floor view. Production never loads this."""

from kvi_portal.settings import *  # noqa: F403

ROOT_URLCONF = "kvi_portal.bench_urls"
