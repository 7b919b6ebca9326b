"""Warm a web process up before it serves: run in gunicorn's master before it forks.

Left to itself, each worker resolves the URL patterns, reads the translation catalogues and
compiles the templates on its first requests: half a second in which it answers nothing. With
workers recycled every couple of thousand requests (deploy/gunicorn.conf.py), that showed as
the slowest percent of all requests under load. Done once in the master, every worker, and
every recycled one, starts warm; `gc.freeze()` then keeps the collector from walking (and, by
touching them, copying) the objects the workers share with the master.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)
# Looked up to load each catalogue; a name, not a literal, so makemessages does not collect it.
_CATALOGUE_PROBE = "SofaDoc"


def warm_up() -> None:
    resolver = get_resolver()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext(_CATALOGUE_PROBE)  # loads the catalogue
            # The reverse lookups are built per active language.
            resolver.reverse_dict, resolver.namespace_dict, resolver.app_dict  # noqa: B018
    engine = engines["django"]
    compiled = 0
    for folder in map(Path, engine.dirs):
        for path in folder.rglob("*.html"):
            try:
                engine.get_template(path.relative_to(folder).as_posix())
            except TemplateSyntaxError:  # e.g. an e-mail template for another engine
                continue
            compiled += 1
    logger.info("warmed up: %d templates", compiled)
    # Nothing here may hold a connection: the workers must not share sockets.
    from django.db import connections

    connections.close_all()
    gc.collect()
    gc.freeze()
