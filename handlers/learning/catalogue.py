"""The programmes the bot offers, loaded once at start; a reload picks up edited files."""

from __future__ import annotations

from pathlib import Path

from handlers.learning.programmes import Programme, Task, load_programmes


class Catalogue:
    def __init__(self, programmes: dict[str, Programme]) -> None:
        self.programmes = programmes
        self._versions = {pid: p.version for pid, p in programmes.items()}
        self._snapshots: dict[tuple[str, str, int, int], dict[str, object]] = {}

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
        cache_key = (programme_id, task_ids[index], index, len(task_ids))
        if cache_key in self._snapshots:
            return self._snapshots[cache_key]
        programme = self.programmes.get(programme_id)
        if programme is None:
            return None
        task = programme.task(task_ids[index])
        if task is None:
            return None
        snapshot = {
            "index": index,
            "count": len(task_ids),
            "programme": programme.title,
            "version": self._versions[programme_id],
            "standard": task.standard or programme.standard,
            **task.model_dump(mode="json"),
        }
        self._snapshots[cache_key] = snapshot
        return snapshot

    def next_index(self, programme_id: str, task_ids: list[str], start: int) -> int | None:
        """The first task at or after `start` that still exists (edited files may drop tasks)."""
        programme = self.programmes.get(programme_id)
        if programme is None:
            return None
        for index in range(start, len(task_ids)):
            if programme.task(task_ids[index]) is not None:
                return index
        return None
