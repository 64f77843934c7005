"""What the running learning feature holds: its settings, programmes and delivery engine."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import LearningSection, Settings
from handlers.learning.catalogue import Catalogue
from handlers.learning.engine import DeliveryEngine
from handlers.learning.models import Enrolment


@dataclass
class LearningState:
    settings: Settings
    catalogue_: Catalogue | None = None
    engine_: DeliveryEngine | None = None

    @property
    def learning(self) -> LearningSection:
        return self.settings.learning

    @property
    def catalogue(self) -> Catalogue:
        if self.catalogue_ is None:
            raise RuntimeError("the learning feature has not started")
        return self.catalogue_

    @property
    def engine(self) -> DeliveryEngine:
        if self.engine_ is None:
            raise RuntimeError("the learning feature has not started")
        return self.engine_

    def title(self, e: Enrolment) -> str:
        programme = self.catalogue.get(e.programme_id)
        return programme.title if programme else e.programme_id
