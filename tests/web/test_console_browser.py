"""The web console in a real browser: sign-in by link, deciding a held post, charts with data,
CSV exports, the learner's page, and what is refused (a used link, a form without its CSRF
token, a learner on an admin page). Screenshots go to var/screenshots/."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import shot
from tests.web.server import ConsoleServer

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("web-console")]


def sign_in(page: Any, link: str) -> None:
    page.goto(link)
    page.click("#sign-in")
    page.wait_for_load_state()


def test_moderator_signs_in_by_link_and_restores_a_held_post(
    server: ConsoleServer, page: Any
) -> None:
    held = server.say("alice> visited Doreen Pike at 14 Elm Road today")
    post_id = held.split("Held post #")[1].split(" ")[0]
    link = server.link_for("mod@moderators> /console")

    sign_in(page, link)

    assert page.url.endswith("/console/moderation")
    item = page.locator(f"#held-{post_id}")
    assert "visited [PERSON] at [ADDRESS] today" in item.inner_text()
    assert "Doreen Pike" not in page.content()  # redacted preview only
    assert page.locator("#chart-decisions svg rect.bar").count() >= 1  # drawn with data
    assert page.locator("#chart-findings svg rect.bar").count() >= 2
    shot(page, "moderation")

    start = len(server.out.getvalue())
    item.get_by_role("button", name="Restore (false alarm)").click()
    page.wait_for_load_state()

    assert "restored (false alarm) by mod" in page.locator(".flash").inner_text()
    assert page.locator(f"#held-{post_id}").count() == 0
    printed = server.out.getvalue()[start:]
    # the same effects as the card's button: reposted, author told, the card updated
    assert "alice wrote (restored by the moderators after a check):" in printed
    assert "Good news: the moderators restored your post" in printed
    assert "Decision: restored (false alarm) by mod" in printed
    # the card in the moderators' room lost its decision buttons: only "Show original" is left
    card = held.split("(card ")[1].split(")")[0]
    assert [b.label for b in server.adapter.shown[card].buttons] == ["Show original"]


def test_show_original_asks_for_a_reason_and_is_logged(server: ConsoleServer, page: Any) -> None:
    held = server.say("bob> met Mrs Edna Clarke at 22 Park Lane this morning")
    post_id = held.split("Held post #")[1].split(" ")[0]
    sign_in(page, server.link_for("mod@moderators> /console"))

    item = page.locator(f"#held-{post_id}")
    item.locator("summary").click()
    item.get_by_label("Why do you need to see the original?").fill("checking a reported name")
    item.get_by_role("button", name="Show original").click()
    page.wait_for_load_state()

    assert "Edna Clarke" in page.locator(".original-text").inner_text()
    page.goto(f"{server.base}/console/moderation/decisions?action=show_original")
    assert "show_original" in page.locator("tbody").inner_text()
    assert f"#{post_id}" in page.locator("tbody").inner_text()


def test_decisions_log_exports_csv(server: ConsoleServer, page: Any) -> None:
    held = server.say("alice> Spoke to John Smith, NHS number 943 476 5919, at home")
    post_id = held.split("Held post #")[1].split(" ")[0]
    sign_in(page, server.link_for("mod@moderators> /console"))
    page.locator(f"#held-{post_id}").get_by_role(
        "button", name="Keep removed", exact=False
    ).first.click()
    page.wait_for_load_state()

    page.goto(f"{server.base}/console/moderation/decisions?action=keep")
    shot(page, "decisions")
    with page.expect_download() as info:
        page.click("#csv")
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))

    assert rows[0] == ["held post", "action", "by", "at (UTC)", "group", "found"]
    assert [post_id, "keep", "mod"] in [r[:3] for r in rows[1:]]
    assert all(r[1] == "keep" for r in rows[1:])


def test_a_link_works_once(server: ConsoleServer, page: Any) -> None:
    link = server.link_for("mod@moderators> /console")
    sign_in(page, link)
    assert page.url.endswith("/console/moderation")

    second = page.context.browser.new_context()
    again = second.new_page()
    response = again.goto(link)

    assert response is not None and response.status == 403
    assert "used already or has expired" in again.content()
    shot(again, "link-refused")
    second.close()


def test_a_form_without_its_csrf_token_is_refused(server: ConsoleServer, page: Any) -> None:
    held = server.say("bob> visited Doreen Pike at 14 Elm Road again")
    post_id = held.split("Held post #")[1].split(" ")[0]
    sign_in(page, server.link_for("mod@moderators> /console"))
    item = page.locator(f"#held-{post_id}")
    item.locator("input[name=csrf]").evaluate_all("inputs => inputs.forEach(i => i.remove())")

    item.get_by_role("button", name=re.compile(r"^Keep removed \(")).click()
    page.wait_for_load_state()

    assert "Form refused" in page.locator("h1").inner_text()
    page.goto(f"{server.base}/console/moderation")
    assert page.locator(f"#held-{post_id}").count() == 1  # nothing was decided


def test_learners_page_cpd_csv_badge_and_print(server: ConsoleServer, page: Any) -> None:
    sign_in(page, server.link_for("alice>> /mycpd"))

    assert page.url.endswith("/me")
    programmes = page.locator("ul.programmes").inner_text()
    assert "10 of 10 done (completed)" in programmes
    assert "0 of " in programmes and "(active). Next: “" in programmes
    rows = page.locator("table.cpd tbody tr")
    assert rows.count() >= 3
    assert "Reflection 1" in rows.first.inner_text()
    shot(page, "learner")

    with page.expect_download() as info:
        page.click("#cpd-csv")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.startswith("date,programme,task,minutes")
    assert "Reflection 1" in text

    badge = page.locator(".badges li").first
    with page.expect_download() as info:
        badge.get_by_role("link", name="Download the credential").click()
    assert Path(info.value.path()).read_text(encoding="utf-8").count(".") == 2  # a compact JWT
    badge.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
    assert "Valid:" in page.locator(".badges [role=status]").inner_text()

    page.goto(f"{server.base}/me/print")
    assert "CPD record: alice" in page.locator("h1").inner_text()
    shot(page, "learner-print")


def test_a_learner_is_refused_the_admin_pages(server: ConsoleServer, page: Any) -> None:
    sign_in(page, server.link_for("bob>> /mycpd"))

    for path in ("/console/moderation", "/console/questions", "/console/learning"):
        response = page.goto(server.base + path)
        assert response is not None and response.status == 403
        assert "Not for your role" in page.locator("h1").inner_text()
    shot(page, "learner-refused")


def test_questions_and_learning_pages_for_an_admin(server: ConsoleServer, page: Any) -> None:
    sign_in(page, server.link_for("lead>> /console"))

    page.goto(f"{server.base}/console/questions")
    assert page.locator("#chart-outcomes svg rect.bar").count() >= 3
    assert "Can I share a case summary" in page.locator("#esc-h + table").inner_text()
    assert page.locator("ol.queue li[id^=draft-]").count() == 1
    shot(page, "questions")
    page.locator("ol.queue li[id^=draft-]").get_by_role("button", name="Discard").click()
    page.wait_for_load_state()
    assert "Discarded draft" in page.locator(".flash").inner_text()

    page.goto(f"{server.base}/console/learning")
    assert "badges issued" in page.locator(".figures").inner_text()
    assert page.locator("#chart-tasks svg rect.bar").count() >= 2
    page.set_input_files(
        "#programme",
        files=[{"name": "broken.yaml", "mimeType": "text/yaml", "buffer": b"id: x\ntitle: 3\n"}],
    )
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_load_state()
    assert "problem(s) in broken.yaml" in page.locator("#check-result").inner_text()
    shot(page, "learning")


def test_the_console_fits_a_phone(server: ConsoleServer, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    sign_in(phone, server.link_for("mod@moderators> /console"))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px screen"
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent") == "Skip to content"
    shot(phone, "moderation-phone")
    context.close()


def test_a_held_post_can_be_decided_with_the_keyboard_alone(
    server: ConsoleServer, page: Any
) -> None:
    held = server.say("bob> dropped in on Mr Arthur Penrose at 3 Mill Lane")
    post_id = held.split("Held post #")[1].split(" ")[0]
    sign_in(page, server.link_for("mod@moderators> /console"))
    order = []
    for _ in range(40):  # skip link, navigation, sign out, then each held post's buttons
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.textContent.trim()"))
        if order[-1] == f"Keep removed (held post #{post_id})":
            break
    assert order[0] == "Skip to content"
    assert order.index("Moderation") < order.index("Sign out") < len(order) - 1

    page.keyboard.press("Enter")
    page.wait_for_load_state()

    assert (
        f"Held post #{post_id}: Decision: kept removed by mod"
        in page.locator(".flash").inner_text()
    )
