"""The production settings plus one bench-only URL: the framework's floor (see bench.load).

Nothing here changes how the site behaves; only ROOT_URLCONF adds `/bench/floor/`.
"""

from sofadoc.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
