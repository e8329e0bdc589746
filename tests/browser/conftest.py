"""Fixtures for the tests that drive real Chromium (see STACK-NOTES: Debian's Chromium, not a
downloaded one)."""

from __future__ import annotations

import pytest

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": BROWSER_ARGS,
    }


@pytest.fixture
def watched_page(page):
    """A page that records console errors (a CSP violation is one) and uncaught exceptions in
    ``page.console_errors``."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    return page


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_test_failed = report.failed
    return report


@pytest.fixture(autouse=True)
def console_on_failure(request):
    """When a browser test fails, what every page of it said in the console, in the report.
    A race under load is found from this, not from the assertion alone."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    said: list[str] = []
    context = page.context

    def listen(one_page) -> None:
        one_page.on("console", lambda msg: said.append(f"{msg.type}: {msg.text}"))
        one_page.on("pageerror", lambda exc: said.append(f"uncaught: {exc}"))

    listen(page)
    context.on("page", listen)
    yield
    if getattr(request.node, "browser_test_failed", False) and said:
        print("\n--- the browser's console ---\n" + "\n".join(said[-200:]))
