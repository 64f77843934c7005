"""Loading a knowledge base as an admin would: a knowledge base loads unchanged, broken files are named."""

from __future__ import annotations

from pathlib import Path

from handlers.questions.kb import load_kb, slugify
from handlers.questions.kb.approved import add_phrasing, approved_path
from handlers.questions.retrieval.answerer import Answerer

SAMPLE = Path(__file__).resolve().parent / "kb"  # written for the tests


def test_a_knowledge_base_loads_unchanged_with_section_ids_and_citations() -> None:
    kb, errors = load_kb(SAMPLE)
    assert errors == []
    ids = {e.id for e in kb.entries}
    assert "friend-requests-from-people-we-support" in ids
    assert "online-practice-policy#friend-requests-and-contact-from-people-we-support" in ids
    passage = kb.get("online-practice-policy#right-to-switch-off")
    assert passage is not None
    assert passage.citation() == (
        "Online Practice Policy, section 'Right to switch off', reviewed 2026-04-15"
    )


def test_slugs_follow_the_rule() -> None:
    assert slugify("Lasting powers of attorney, deputies and advance decisions") == (
        "lasting-powers-of-attorney-deputies-and-advance-decisions"
    )
    assert slugify("  What counts as abuse or neglect?  ") == "what-counts-as-abuse-or-neglect"


def test_broken_files_are_named_and_the_rest_still_loads(tmp_path: Path) -> None:
    (tmp_path / "faq.yaml").write_text(
        "- id: a\n  question: Q?\n  answer: A.\n  source: S\n- id: a\n  question: Q2?\n  answer: B.\n  source: S\n"
    )
    (tmp_path / "broken.yaml").write_text("- id: b\n  question: [unclosed\n")
    (tmp_path / "empty.md").write_text("---\ntitle: Empty\n---\nNo sections here.\n")
    (tmp_path / "latin1.md").write_bytes("---\ntitle: Caf\xe9\n---\n## A\ntext\n".encode("latin-1"))
    (tmp_path / "good.md").write_text(
        "---\ntitle: Good\nreviewed: 2026-01-01\n---\n## One\nBody.\n"
    )
    kb, errors = load_kb(tmp_path)
    messages = [str(e) for e in errors]
    assert {e.id for e in kb.entries} == {"a", "good#one"}
    assert any(m.startswith("broken.yaml:") and "invalid YAML" in m for m in messages)
    assert any("duplicate id 'a'" in m for m in messages)
    assert any(m.startswith("empty.md") and "no '## ' sections" in m for m in messages)
    assert any(m.startswith("latin1.md") and "not UTF-8" in m for m in messages)


def test_bm25_finds_the_friend_request_entry_and_abstains_on_nothing() -> None:
    kb, _ = load_kb(SAMPLE)
    answerer = Answerer(kb, "bm25")
    top = answerer.search("can I accept a friend request from someone I support?")
    assert top[0].id.startswith("friend-requests")
    assert not answerer.answer("🙂🙂").answered
    assert not answerer.answer("").answered


def test_an_approved_entrys_id_is_cut_at_a_word_and_kept_unique() -> None:
    from handlers.questions.kb.approved import MAX_ID, entry_id

    question = (
        "What should I do when a colleague posts identifying details about a colleague's client?"
    )
    made = entry_id(question, taken=())
    assert len(made) <= MAX_ID and question.lower().startswith(made.replace("-", " ")[:20])
    assert made.split("-")[-1] in slugify(question).split("-")  # a whole word, not "colleagu"
    assert entry_id(question, taken={made}) == f"{made}-2"


def test_an_approved_phrasing_is_added_to_its_entry_and_a_stray_one_is_named(
    tmp_path: Path,
) -> None:
    kb_dir = tmp_path / "kb"
    kb_dir.mkdir()
    (kb_dir / "faq.yaml").write_text("- id: a\n  question: Q?\n  answer: A.\n  source: S\n")
    (kb_dir / "guide.md").write_text("---\ntitle: Guide\n---\n## One\nBody.\n")
    approved = approved_path(tmp_path / "data")
    add_phrasing(approved, "a", "what my  colleagues call it")
    add_phrasing(approved, "guide#one", "the words of another asker")
    add_phrasing(approved, "gone", "an entry since removed")
    kb, errors = load_kb(kb_dir, approved)
    faq, passage = kb.get("a"), kb.get("guide#one")
    assert faq is not None and faq.alternatives == ("what my colleagues call it",)
    assert passage is not None and passage.alternatives == ("the words of another asker",)
    assert [str(e) for e in errors] == ["approved-faq.yaml: phrasing_of: no entry 'gone' to add to"]
