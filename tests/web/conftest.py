"""The web console's browser tests: one console group with its web console, and one headless
Chromium (Debian's `chromium`, driven by Playwright; never a downloaded browser) for all of
them. Where no browser is installed they are skipped with a loud warning, except where
PRACTICEBOT_REQUIRE_BROWSER=1 (CI), where they fail."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.server import ConsoleServer

CHROMIUM = os.environ.get("PRACTICEBOT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
_missing: list[str] = []


def _why_no_browser() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make install)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _why_no_browser()
    if reason is None or os.environ.get("PRACTICEBOT_REQUIRE_BROWSER") == "1":
        return  # in CI a missing browser fails the tests in their fixture
    skipped = [i for i in items if i.get_closest_marker("browser") is not None]
    for item in skipped:
        item.add_marker(pytest.mark.skip(reason=f"browser tests SKIPPED: {reason}"))
    if skipped:
        _missing.append(reason)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    # under xdist the workers collect and skip; the skips reach this process as reports
    skipped = [
        r
        for r in terminalreporter.stats.get("skipped", [])
        if "browser tests SKIPPED" in str(r.longrepr)
    ]
    if skipped or _missing:
        reason = _why_no_browser() or (_missing[0] if _missing else "no browser")
        terminalreporter.write_line(
            f"WARNING: {len(skipped)} web console browser tests SKIPPED: {reason}",
            red=True,
            bold=True,
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    running = ConsoleServer(tmp_path_factory.mktemp("web")).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for all the browser tests (they are one module). Not session-wide: while
    Playwright's synchronous API is open its event loop counts as running in this thread, and
    the async tests of the modules after it could not start theirs."""
    reason = _why_no_browser()
    if reason is not None:
        pytest.fail(f"PRACTICEBOT_REQUIRE_BROWSER=1 but {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) per test, phone-sized enough to show the layout."""
    context = browser.new_context(viewport={"width": 1000, "height": 800}, accept_downloads=True)
    context.set_default_timeout(5000)
    yield context.new_page()
    context.close()


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
