"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser)."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Chromium is missing. Install it with: scripts/ensure-system-packages.sh browser"
        )
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (not by the live server) are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                # A test pattern instead of a camera, and no permission prompt.
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def signed_in_page(browser, live_server):
    """page_for(user): a German browser page whose session belongs to `user`."""
    contexts = []

    def page_for(user, viewport=None):
        # A test client per user: force_login on a shared one would flush (end) the session
        # of the user signed in before, and their page would be signed out.
        client = Client()
        client.force_login(user)
        context = browser.new_context(
            locale="de-DE", viewport=viewport or {"width": 1280, "height": 860}
        )
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        contexts.append(context)
        return context.new_page()

    yield page_for
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture(autouse=True)
def _legal_texts(transactional_db):
    """Transactional tests flush the tables between tests; put the legal texts back."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("privacy.migrations.0002_append_only_and_first_documents")
    migration.load_documents(apps, None)
    seed = importlib.import_module("privacy.migrations.0004_seed_processors")
    seed.seed(apps, None)
    second = importlib.import_module("privacy.migrations.0011_privacy_policy_version_2")
    second.publish(apps, None)


# --- Shared by journeys 3-5 (e2e2) -----------------------------------------------------------
@pytest.fixture
def celery_eager():
    """Tasks the live server queues on commit run at once in its thread, through Celery's own
    apply(): the in-process server has no worker. Errors propagate, so a failing task shows as
    a failing page instead of passing unnoticed."""
    from sofadoc.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


def reject_cookies(page, url: str) -> None:
    """Open `url` and answer the cookie banner (reject all), so it covers no screenshot."""
    page.goto(url)
    page.locator("#cookie-banner").get_by_role("button", name="Alle ablehnen").click()
    page.wait_for_load_state()


# --- e2e journeys 1 and 2 -------------------------------------------------------------------


def pytest_collection_modifyitems(items):
    """Every browser test is an e2e test (`make e2e` runs `pytest -m e2e`), marked or not."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """Specialties and languages, as the data migration made them, for the directory filters
    and the profile form. serialized_rollback cannot bring them back here: once Playwright's
    loop runs in this thread, asgiref hands Django another connection object, one without the
    serialized contents, so the restore is silently skipped."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "coaching.practices.migrations.0003_reference_data_and_search_index"
    )
    migration.add_reference_data(apps, None)
