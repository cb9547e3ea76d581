"""End-to-end tests: Playwright for Python driving Debian's Chromium, headless.

Skipped (with the reason shown) when /usr/bin/chromium is absent; `.ci/run`
installs it, so CI always runs them. Screenshots go to test-artifacts/e2e/.
"""

import os
from io import StringIO
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("THIDUA_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# the test itself (fixtures) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"không có {CHROMIUM}: bỏ qua kiểm thử đầu-cuối")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def shot(page):
    """Save a full-page screenshot named after the test and the step."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def demo(transactional_db):
    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())


@pytest.fixture
def login(page, live_server):
    from thidua.org.demo import demo_password

    def as_user(username):
        page.goto(f"{live_server.url}/dang-nhap/")
        page.fill("#id_username", username)
        page.fill("#id_password", demo_password())
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")

    return as_user
