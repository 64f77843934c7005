"""The programmes the bot offers, loaded once at start; a reload picks up edited files."""

from __future__ import annotations

from pathlib import Path

from handlers.learning.programmes import Programme, Task, load_programmes


class Catalogue:
    def __init__(self, programmes: dict[str, Programme]) -> None:
        self.programmes = programmes

    @classmethod
    def from_folder(cls, folder: Path) -> Catalogue:
        return cls(load_programmes(folder))

    def get(self, programme_id: str) -> Programme | None:
        return self.programmes.get(programme_id)

    def task(self, programme_id: str, task_id: str) -> Task | None:
        programme = self.programmes.get(programme_id)
        return programme.task(task_id) if programme is not None else None

    def snapshot(
        self, programme_id: str, task_ids: list[str], index: int
    ) -> dict[str, object] | None:
        """The task content to store with a delivery: what the learner sees, frozen at planning."""
        programme = self.programmes.get(programme_id)
        if programme is None:
            return None
        task = programme.task(task_ids[index])
        if task is None:
            return None
        return {
            "index": index,
            "count": len(task_ids),
            "programme": programme.title,
            "version": programme.version,
            "standard": task.standard or programme.standard,
            **task.model_dump(mode="json"),
        }

    def next_index(self, programme_id: str, task_ids: list[str], start: int) -> int | None:
        """The first task at or after `start` that still exists (edited files may drop tasks)."""
        programme = self.programmes.get(programme_id)
        if programme is None:
            return None
        for index in range(start, len(task_ids)):
            if programme.task(task_ids[index]) is not None:
                return index
        return None
