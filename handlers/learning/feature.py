"""Bite-size learning in chat: the feature's wiring (commands, buttons, text, jobs, /stats)."""

from __future__ import annotations

from bot.config import Settings
from bot.context import Context
from bot.desks import LearnerDesk, LearningDesk
from bot.errors import ConfigError
from bot.events import MessagePosted
from bot.feature import AppBuilder
from bot.web_access import WebRole, send_link
from handlers.learning.badges import load_signing_key
from handlers.learning.catalogue import Catalogue
from handlers.learning.commands import Commands
from handlers.learning.desk import LearningConsole
from handlers.learning.dialogue import Dialogue
from handlers.learning.engine import DeliveryEngine
from handlers.learning.messages import PREFIX
from handlers.learning.programmes import ProgrammeError
from handlers.learning.records import report
from handlers.learning.state import LearningState


class LearningFeature:
    name = "learning"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.state = LearningState(settings)
        self.commands = Commands(self.state)
        self.dialogue = Dialogue(self.state)

    @property
    def catalogue(self) -> Catalogue:
        return self.state.catalogue

    @property
    def engine(self) -> DeliveryEngine:
        return self.state.engine

    def setup(self, app: AppBuilder) -> None:
        r, c = app.router, self.commands
        r.command("learn", c.learn, help="bite-size learning programmes: list and join")
        r.command("progress", c.progress, help="your learning: done, streak, next task")
        r.command("pause", c.pause, help="pause your learning tasks")
        r.command("resume", c.resume, help="start your paused learning tasks again")
        r.command("stop", c.stop_learning, help="leave a learning programme")
        r.command("schedule", c.schedule, help="days and time for tasks: /schedule tue thu 09:30")
        r.command("cpd", c.cpd, help="your CPD record as CSV and Markdown, privately")
        r.command("mycpd", self.my_page, help="a sign-in link to your learning page on the web")
        r.button(PREFIX, self.dialogue.press)
        r.text(self.dialogue.expects_text, self.dialogue.on_text)
        learning = self.settings.learning
        app.jobs.every(learning.tick_seconds, "learning.deliver", self.deliver_job)
        app.jobs.every(max(60.0, learning.tick_seconds), "learning.remind", self.remind_job)
        app.stats.append(self.stats)

    def check(self) -> None:
        """What `check-config` and `run` refuse before anything starts."""
        self._catalogue()
        if self.settings.learning.badge_key_file is not None:
            load_signing_key(self.settings.learning, self.settings.bot.data_dir)

    def _catalogue(self) -> Catalogue:
        try:
            return Catalogue.from_folder(self.settings.learning.programmes_dir)
        except ProgrammeError as exc:
            raise ConfigError(f"learning.programmes_dir: {exc}") from None

    async def start(self, ctx: Context) -> None:
        """Load (or reload) the programmes; a broken file stops the start with its line."""
        catalogue = self._catalogue()
        self.state.catalogue_ = catalogue
        self.state.engine_ = DeliveryEngine(catalogue, self.settings.learning)
        ctx.services.put(self.state.engine_)
        desk = LearningConsole(self.state)
        ctx.services.put(desk, as_type=LearningDesk)
        ctx.services.put(desk, as_type=LearnerDesk)

    async def my_page(self, event: MessagePosted, ctx: Context) -> None:
        await send_link(ctx, event, WebRole.LEARNER, "your learning page")

    async def stop(self, ctx: Context) -> None:
        return None

    async def deliver_job(self, ctx: Context) -> None:
        await self.engine.tick(ctx)

    async def remind_job(self, ctx: Context) -> None:
        await self.engine.remind(ctx)

    async def stats(self, ctx: Context) -> str:
        async with ctx.store.session() as s:
            figures = await report(s, self.catalogue)
        return "Learning\n" + "\n".join(f.line() for f in figures)


def create(settings: Settings) -> LearningFeature:
    return LearningFeature(settings)
