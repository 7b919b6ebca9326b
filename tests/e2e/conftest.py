import os
import shutil

import pytest

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; no browser download (executable_path)."""
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed (scripts/ensure-system-packages.sh browser)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls in fixtures and
    # the live server thread are ordinary synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _legal_texts(transactional_db):
    """Transactional tests flush the tables between tests; put the legal texts back."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("privacy.migrations.0002_append_only_and_first_documents")
    migration.load_documents(apps, None)
