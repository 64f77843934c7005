"""APScheduler wiring: periodic jobs only; work that must happen once lives in database rows."""

from scheduler.runner import JobRunner

__all__ = ["JobRunner"]
