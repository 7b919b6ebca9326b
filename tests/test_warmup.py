"""The web process is warmed up before gunicorn forks its workers (sofadoc.warmup)."""

import gc

import pytest
from django.db import connection
from django.template import engines
from django.urls import clear_url_caches, get_resolver

from sofadoc.warmup import warm_up


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()


def test_warm_up_compiles_the_templates_and_holds_no_connection(unfrozen, django_db_blocker):
    engine = engines["django"].engine
    loader = engine.template_loaders[0]
    loader.reset()
    clear_url_caches()

    with django_db_blocker.unblock():
        warm_up()

    # The cached loader now holds the site's pages, compiled once for every worker.
    names = {key.split(":")[0] for key in loader.get_template_cache}
    assert {"base.html", "practices/practice_detail.html", "pages/home.html"} <= names
    assert "de" in get_resolver()._reverse_dict and "en" in get_resolver()._reverse_dict
    assert connection.connection is None  # no socket to share with the forked workers
    assert gc.get_freeze_count() > 0
