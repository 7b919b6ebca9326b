"""Privacy policy version 2 in the browser, on a desktop and a phone (screenshots under
test-artifacts/): headings, the generated lists, the link to version 1, no sideways scrolling."""

import pytest

from tests.e2e.conftest import reject_cookies, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("device", "viewport"),
    [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})],
)
@pytest.mark.parametrize("language", ["de", "en"])
def test_policy_version_2_reads_well(browser, live_server, device, viewport, language):
    context = browser.new_context(
        locale="de-DE" if language == "de" else "en-GB",
        viewport=viewport,
        is_mobile=device == "phone",
    )
    page = context.new_page()
    reject_cookies(page, live_server.url + "/") if language == "de" else page.goto(
        live_server.url + "/"
    )
    page.goto(f"{live_server.url}/privacy/v2/{language}/")
    headings = page.locator("article h2").all_inner_texts()
    assert headings[0].startswith("§") and len([h for h in headings if h.startswith("§")]) == 11
    body = page.locator("article").inner_text()
    assert "Zendesk" in body and "Twilio" in body
    assert ("Aufsichtsbehörde" if language == "de" else "supervisory authority") in body
    assert page.locator("a[href='/privacy/v1/de/']").count() == 1
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow}px sideways scroll on {device}"
    screenshot(page, f"privacy-policy-v2-{language}-{device}")
    context.close()
