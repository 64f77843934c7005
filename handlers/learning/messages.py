"""What a learner sees: task cards, their buttons, and the replies to answers."""

from __future__ import annotations

from typing import Any

from bot.actions import Button

PREFIX = "learn:"


def answer_data(delivery_id: int, option: int) -> str:
    return f"{PREFIX}a:{delivery_id}:{option}"


def task_buttons(delivery_id: int, content: dict[str, Any]) -> tuple[Button, ...]:
    """Every task card carries buttons naming its delivery: a press always finds the right row."""
    kind = content["kind"]
    if kind in ("quiz", "scenario"):
        return tuple(
            Button(f"{i}. {option['text']}", answer_data(delivery_id, i))
            for i, option in enumerate(content["options"], 1)
        )
    if kind == "practical":
        return (
            Button("Done it", f"{PREFIX}done:{delivery_id}"),
            Button("Skip this one", f"{PREFIX}skip:{delivery_id}"),
        )
    return (Button("Skip this one", f"{PREFIX}skip:{delivery_id}"),)


def task_text(content: dict[str, Any], review: bool = False) -> str:
    head = "Review" if review else f"Task {int(content['index']) + 1} of {content['count']}"
    lines = [f"{content['programme']}: {head} · {content['title']} (~{content['minutes']} min)"]
    lines.append(str(content["text"]))
    kind = content["kind"]
    if kind in ("quiz", "scenario"):
        lines.append("Choose an answer with the buttons below.")
    elif content.get("reflection"):
        lines.append(f"Reflect: {content['reflection']}")
        lines.append("Reply here with a few lines of reflection (no names or details of people).")
    return "\n".join(lines)


def feedback_text(content: dict[str, Any], option: int) -> tuple[str, bool | None]:
    """The feedback for option `option` (1-based) and whether it was the right one."""
    chosen = content["options"][option - 1]
    correct = content.get("correct")
    right = None if correct is None else option == correct
    if right is True:
        verdict = "Correct."
    elif right is False:
        best = content["options"][int(str(correct)) - 1]["text"]
        verdict = f"Not quite. The best answer is {correct}. {best}."
    else:
        verdict = "Thanks."
    return f"You chose {option}. {chosen['text']}\n{verdict} {chosen['feedback']}", right
