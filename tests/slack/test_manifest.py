"""The manifest an admin pastes asks for what the adapter handles, and nothing more."""

from __future__ import annotations

from pathlib import Path

import yaml

import adapters.slack
from adapters.slack.adapter import EVENTS_PATH
from adapters.slack.inbound import SLASH_COMMAND

MANIFEST = Path(adapters.slack.__file__).parent / "manifest.yaml"


def test_manifest_events_scopes_and_command_match_the_adapter() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    settings = manifest["settings"]
    events = set(settings["event_subscriptions"]["bot_events"])
    assert events == {"app_mention", "message.channels", "message.groups", "message.im"}
    # each event needs its read scope; every other scope is used by an outbound call
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == {
        "app_mentions:read",
        "channels:history",
        "groups:history",
        "im:history",
        "chat:write",
        "im:write",
        "users:read",
        "files:read",
        "files:write",
        "commands",
    }
    assert manifest["oauth_config"]["scopes"]["user"] == ["chat:write"]
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == SLASH_COMMAND
    urls = [command["url"], settings["event_subscriptions"]["request_url"]]
    urls.append(settings["interactivity"]["request_url"])
    assert all(url.endswith(EVENTS_PATH) for url in urls)
    assert settings["interactivity"]["is_enabled"] is True
