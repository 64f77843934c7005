"""The console's guards over plain HTTP (no browser needed, so they run everywhere): cookies,
CSRF, roles, a link's single use, and a decision taken in chat showing on the web."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest

from tests.web.server import ConsoleServer

pytestmark = pytest.mark.xdist_group("web-console")  # one console group, in one worker


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _client() -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())


def _open(
    opener: urllib.request.OpenerDirector,
    url: str,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str, Any]:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), exc.headers


def _sign_in(
    server: ConsoleServer, line: str, headers: dict[str, str] | None = None
) -> tuple[urllib.request.OpenerDirector, Any]:
    opener = _client()
    link = server.link_for(line)
    status, page, _ = _open(opener, link)
    assert status == 200
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    token = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["t"][0]
    status, _, answer = _open(
        opener, f"{server.base}/signin", {"csrf": csrf.group(1), "t": token}, headers
    )
    assert status == 303
    return opener, answer


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_the_session_cookie_is_httponly_strict_and_secure_behind_https(
    server: ConsoleServer,
) -> None:
    _, plain = _sign_in(server, "mod@moderators> /console")
    cookie = next(c for c in plain.get_all("Set-Cookie") if c.startswith("pb_session="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert "Max-Age=28800" in cookie

    _, proxied = _sign_in(server, "mod@moderators> /console", {"X-Forwarded-Proto": "https"})
    cookie = next(c for c in proxied.get_all("Set-Cookie") if c.startswith("pb_session="))
    assert "Secure" in cookie


def test_pages_need_a_session_and_the_right_role(server: ConsoleServer) -> None:
    assert _open(_client(), f"{server.base}/console/moderation")[0] == 401
    assert _open(_client(), f"{server.base}/me")[0] == 401
    learner, _ = _sign_in(server, "bob>> /mycpd")
    for path in (
        "/console/moderation",
        "/console/moderation/decisions.csv",
        "/console/questions",
        "/console/learning",
    ):
        assert _open(learner, server.base + path)[0] == 403, path
    assert _open(learner, f"{server.base}/me")[0] == 200


def test_only_admins_decide_drafts_and_every_form_needs_its_token(server: ConsoleServer) -> None:
    moderator, _ = _sign_in(server, "mod@moderators> /console")
    status, page, _ = _open(moderator, f"{server.base}/console/questions")
    assert status == 200 and "Only the bot's admins approve or discard drafts" in page
    form = {"csrf": _csrf(page), "draft": "1", "verdict": "discard"}
    assert _open(moderator, f"{server.base}/console/questions/draft", form)[0] == 403

    status, _, _ = _open(
        moderator, f"{server.base}/console/moderation/decide", {"post": "1", "action": "keep"}
    )
    assert status == 403
    status, _, _ = _open(
        moderator,
        f"{server.base}/console/moderation/decide",
        {"post": "1", "action": "keep", "csrf": "not-the-token"},
    )
    assert status == 403


def test_a_used_link_is_refused_before_and_after_its_button(server: ConsoleServer) -> None:
    link = server.link_for("alice>> /mycpd")
    token = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["t"][0]
    first, second = _client(), _client()
    forms = [{"csrf": _csrf(_open(c, link)[1]), "t": token} for c in (first, second)]

    assert _open(first, f"{server.base}/signin", forms[0])[0] == 303
    status, page, _ = _open(second, f"{server.base}/signin", forms[1])  # two tabs: one wins
    assert status == 403 and "used already or has expired" in page
    assert _open(_client(), link)[0] == 403


def test_a_decision_in_chat_shows_on_the_web(server: ConsoleServer) -> None:
    held = server.say("alice> visited Doreen Pike at 14 Elm Road on Monday")
    post_id = held.split("Held post #")[1].split(" ")[0]
    card = held.split("(card ")[1].split(")")[0]
    moderator, _ = _sign_in(server, "mod@moderators> /console")
    assert f'id="held-{post_id}"' in _open(moderator, f"{server.base}/console/moderation")[1]

    server.say(f"mod! 2 card {card}")  # Keep removed, on the card

    assert f'id="held-{post_id}"' not in _open(moderator, f"{server.base}/console/moderation")[1]
    log = _open(moderator, f"{server.base}/console/moderation/decisions?action=keep")[1]
    assert f"#{post_id}" in log


@pytest.mark.parametrize("path", ["/console/moderation", "/me"])
def test_pages_send_no_referrer_and_allow_no_scripts(server: ConsoleServer, path: str) -> None:
    opener, _ = _sign_in(server, "lead>> /console")
    status, _, headers = _open(opener, server.base + path)
    assert status == 200
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "script-src" not in headers["Content-Security-Policy"]


def test_an_admin_session_ends_when_they_are_no_longer_an_admin(server: ConsoleServer) -> None:
    admin, _ = _sign_in(server, "lead>> /console")
    assert _open(admin, f"{server.base}/console/learning")[0] == 200
    assert server.app is not None
    before = server.app.ctx.settings
    bot = before.bot.model_copy(update={"admins": []})
    server.app.ctx.settings = before.model_copy(update={"bot": bot})
    try:
        assert _open(admin, f"{server.base}/console/learning")[0] == 401
    finally:
        server.app.ctx.settings = before


def test_console_links_go_to_admins_and_moderators_only(server: ConsoleServer) -> None:
    refused = server.say("bob>> /console")
    assert "The web console is for admins and moderators" in refused
    assert "/signin?t=" not in refused
    assert "/signin?t=" not in server.say("bob> /console")  # in the group: no link either
    own = server.say("bob> /mycpd")  # a learner's own page: the link goes to their DM
    assert "[dm:bob] Your sign-in link to your learning page" in own


def test_an_admin_approves_a_draft_as_drafts_does(server: ConsoleServer) -> None:
    admin, _ = _sign_in(server, "lead>> /console")
    page = _open(admin, f"{server.base}/console/questions")[1]
    assert 'id="draft-1"' in page
    form = {"csrf": _csrf(page), "draft": "1", "verdict": "approve"}

    status, _, headers = _open(admin, f"{server.base}/console/questions/draft", form)

    assert status == 303
    message = urllib.parse.parse_qs(urllib.parse.urlparse(headers["Location"]).query)["msg"][0]
    assert message.startswith("Approved draft #1: added as FAQ entry")
    assert 'id="draft-1"' not in _open(admin, f"{server.base}/console/questions")[1]
    again = _open(admin, f"{server.base}/console/questions/draft", form)[2]["Location"]
    assert "already" in urllib.parse.unquote_plus(again)  # as a second press in chat says
