"""The core finds its parts as an organisation would add one: a package with an entry point."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import plugins
from bot.feature import load_features
from tests.support import ALICE, RecordingAdapter, dm, make_app, make_settings, post

FEATURE = """
from bot.replies import reply


class Greeter:
    name = "greeter"

    def setup(self, app):
        app.router.command("wave", self.wave, help="wave back")

    async def start(self, ctx):
        return None

    async def stop(self, ctx):
        return None

    async def wave(self, event, ctx):
        await reply(ctx, event, "o/ from Acme's own feature")


def create(settings):
    return Greeter()
"""

ADAPTER = """
from bot.plugins import AdapterPlugin

plugin = AdapterPlugin(
    "acmechat",
    configured=lambda settings: True,
    check=lambda settings: None,
    create=lambda settings, store, *, port: ("acmechat adapter", port),
)
"""


@pytest.fixture
def acme_package(tmp_path: Path) -> Iterator[None]:
    """An installed package of an organisation's own: a module and its dist-info."""
    (tmp_path / "acme_practice.py").write_text(FEATURE + ADAPTER)
    info = tmp_path / "acme_practice-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-practice\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[practicebot.features]\ngreeter = acme_practice:create\n\n"
        "[practicebot.adapters]\nacmechat = acme_practice:plugin\n"
    )
    sys.path.insert(0, str(tmp_path))
    yield
    sys.path.remove(str(tmp_path))
    sys.modules.pop("acme_practice", None)


async def test_an_organisations_own_feature_is_found_and_answers(
    acme_package: None, store: object
) -> None:
    settings = make_settings("sqlite+aiosqlite://")
    names = [f.name for f in load_features(settings)]
    assert "greeter" in names and {"admin", "moderation", "questions", "learning"} <= set(names)
    adapter = RecordingAdapter()
    async with make_app(store, adapter, ("admin", "greeter")) as app:  # type: ignore[arg-type]
        await app.handle(post("/wave", user=ALICE, chat=dm(ALICE)))
        await app.handle(post("/help", user=ALICE, chat=dm(ALICE)))
    waved, helped = adapter.private(ALICE)
    assert waved == "o/ from Acme's own feature" and "/wave" in helped


def test_an_organisations_own_adapter_is_created_by_run(acme_package: None) -> None:
    settings = make_settings("sqlite+aiosqlite://")
    assert [p.name for p in plugins.adapters()] == ["acmechat", "slack", "telegram"]
    created = plugins.create_adapters(settings, store=None, port=3000)  # type: ignore[arg-type]
    assert created == [("acmechat adapter", 3000)]  # slack and telegram: no token, not asked for


def test_a_feature_asked_for_by_a_name_nobody_installed_is_left_out_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = make_settings("sqlite+aiosqlite://")
    features = load_features(settings, ("moderation", "handlers.questions", "nonesuch"))
    assert [f.name for f in features] == ["moderation", "questions"]
    assert any(getattr(r, "feature", None) == "nonesuch" for r in caplog.records)
