"""What operators watch: counters and latency histograms, in Prometheus's data model.

Each App has a registry of its own (tests run many apps in one process); an adapter serves it as
Prometheus text on the HTTP port (`GET /metrics`). Nothing here carries a post's text, a user or a
chat: labels are kinds and outcomes only, so the series stay few.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

# receipt to decision: a post is screened in milliseconds, a question may take tens of them
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.events = Counter(
            "practicebot_events",
            "Events from the platforms, by type and outcome (handled, duplicate, failed, "
            "send_again: not recorded, or another instance is still on it, so the platform is "
            "asked to send it again)",
            ["platform", "type", "outcome"],
            registry=r,
        )
        self.events_in_hand = Gauge(
            "practicebot_events_in_hand",
            "Events recorded and not yet finished on this instance (beyond a limit, new ones are "
            "sent back to be re-sent)",
            registry=r,
        )
        self.event_seconds = Histogram(
            "practicebot_event_seconds",
            "From receipt to decision: the event recorded, screened and routed, its replies sent",
            ["type"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.posts_screened = Counter(
            "practicebot_posts_screened",
            "Group posts and edits screened, by outcome (passed, held)",
            ["outcome"],
            registry=r,
        )
        self.files_read = Counter(
            "practicebot_files_read",
            "Files and photos read for screening, by kind and outcome (read, unreadable, not_read)",
            ["kind", "outcome"],
            registry=r,
        )
        self.file_read_seconds = Histogram(
            "practicebot_file_read_seconds",
            "Reading one file or photo (OCR included) in the worker process, with the hop to it",
            buckets=(0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60),
            registry=r,
        )
        self.moderation_decisions = Counter(
            "practicebot_moderation_decisions",
            "Decisions on held posts (restore, keep, remind, fixed by the author's edit)",
            ["decision"],
            registry=r,
        )
        self.answers = Counter(
            "practicebot_answers",
            "Questions by way of reply: answered from the guidance, choices offered, or passed to the experts",
            ["way"],
            registry=r,
        )
        self.deliveries = Counter(
            "practicebot_deliveries",
            "Learning deliveries by outcome",
            ["outcome"],
            registry=r,
        )
        self.actions = Counter(
            "practicebot_actions",
            "Actions sent to the platforms, by outcome (ok, rate_limited, refused)",
            ["platform", "action", "outcome"],
            registry=r,
        )
        self.action_seconds = Histogram(
            "practicebot_action_seconds",
            "How long a platform took to carry out one action",
            ["platform"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.rate_limited = Counter(
            "practicebot_platform_rate_limited",
            "Answers 'slow down' (HTTP 429, Slack ratelimited) from a platform",
            ["platform"],
            registry=r,
        )
        self.database_errors = Counter(
            "practicebot_database_errors",
            "Errors from the database driver (a lost connection, a refused one, a timeout)",
            registry=r,
        )
        self.job_runs = Counter(
            "practicebot_job_runs",
            "Scheduled job runs on this instance, by job and outcome",
            ["job", "outcome"],
            registry=r,
        )
        self.job_seconds = Histogram(
            "practicebot_job_seconds",
            "How long a scheduled job ran",
            ["job"],
            buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0, 120.0),
            registry=r,
        )
        self.scheduler_leading = Gauge(
            "practicebot_scheduler_leading",
            "1 while this instance holds the scheduler lock and runs the scheduled jobs",
            registry=r,
        )

    def exposition(self) -> tuple[bytes, str]:
        """The registry as Prometheus text, and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
