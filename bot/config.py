"""Settings from practicebot.toml and the environment; secrets only from the environment."""

from __future__ import annotations

import os
import tomllib
from datetime import time
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from bot.errors import ConfigError

DEFAULT_CONFIG = Path("practicebot.toml")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///var/practicebot.db"
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class ChatRole(StrEnum):
    PRACTICE_GROUP = "practice_group"
    MODERATORS = "moderators"
    EXPERTS = "experts"


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BotSection(Section):
    name: str = "PracticeBot"
    admins: list[str] = Field(
        default_factory=list,
        description="user keys allowed to run admin commands: platform:user_id",
    )
    timezone: str = "Europe/London"
    # everything the bot writes (database by default, caches, approved FAQ entries, keys, logs)
    # goes here, never into the package
    data_dir: Path = Path("var")
    # days a platform event id is remembered against re-delivery (Slack retries within minutes,
    # Telegram keeps an update for 24 hours); older ids are deleted hourly
    processed_events_days: int = Field(default=7, ge=1, le=3650)
    # days a private notice waits for a member who has not opened a chat with the bot
    pending_notice_days: int = Field(default=30, ge=1, le=3650)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _zone(value)


class ChatConfig(Section):
    platform: str
    id: str
    role: ChatRole
    title: str | None = None


class ConsoleSection(Section):
    members: list[str] = Field(default_factory=lambda: ["alice", "bob", "priya", "sam"])
    moderators: list[str] = Field(default_factory=lambda: ["mod"])
    experts: list[str] = Field(default_factory=lambda: ["expert"])
    # serve /healthz, /readyz and /metrics on 127.0.0.1 at this port (`console --port`); off when unset
    http_port: int | None = Field(default=None, ge=1, le=65535)
    # the web console (/console, /me) on 127.0.0.1 at this port when the console group runs at a
    # terminal; 0 turns it off
    web_port: int = Field(default=8080, ge=0, le=65535)


class ModerationSection(Section):
    mode: Literal["enforce", "audit", "off"] = "enforce"
    sensitivity: Literal["low", "normal", "high"] = "normal"
    retention_days: int = Field(default=30, ge=1, le=3650)
    allow_terms: list[str] = Field(default_factory=list)
    staff_names: list[str] = Field(default_factory=list)
    allowed_email_domains: list[str] = Field(default_factory=list)
    # Files and photos: their text is screened like a post. Adapters fetch at most this much; a
    # file over it, over the pages, or not read in time is held with the reason, unless a group
    # (or this default) lets unreadable files through with a note to the moderators.
    file_max_mb: float = Field(default=20.0, gt=0, le=1000)
    file_max_pages: int = Field(default=30, ge=1, le=1000)
    file_read_seconds: float = Field(default=20.0, gt=0, le=600)
    file_workers: int = Field(default=1, ge=1, le=32)
    unreadable_files: Literal["hold", "pass"] = "hold"

    @property
    def file_max_bytes(self) -> int:
        return int(self.file_max_mb * 1_000_000)


class QuestionsSection(Section):
    kb_dir: Path = PACKAGE_ROOT / "handlers" / "questions" / "starter_kb"
    retriever: Literal["bm25", "hybrid"] = "hybrid"
    embedding_model: str = "all-MiniLM-L6-v2"
    # questions run on an int8 copy of the model (about twice as fast, same results within
    # noise on our labelled sets); "float32" runs them on the exact model
    query_precision: Literal["int8", "float32"] = "int8"
    answer_questions_in_groups: bool = False
    # days the words of an answered question (and an expert's answer) are kept
    retention_days: int = Field(default=90, ge=1, le=3650)


class LearningSection(Section):
    programmes_dir: Path = PACKAGE_ROOT / "handlers" / "learning" / "programmes"
    default_days: tuple[Weekday, ...] = ("mon", "wed", "fri")
    default_time: time = time(10, 0)
    working_hours_start: time = time(9, 0)
    working_hours_end: time = time(17, 0)
    holidays: Literal["england-and-wales", "scotland"] = "england-and-wales"
    reminder_hours: float = Field(default=4.0, gt=0)
    professional_standard: str = "Social Work England professional standard 4"
    badge_issuer_name: str = "Practice Bot sample organisation"
    badge_issuer_url: str = "https://example.org"
    badge_key_file: Path | None = None
    tick_seconds: float = Field(default=30.0, gt=0)


class Secrets(BaseModel):
    """Read from the environment only, never from the config file: `load_settings` passes the
    environment it was given (the process's by default), so nothing else is read behind its back."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    DATABASE_URL: str = DEFAULT_DATABASE_URL
    PRACTICEBOT_SECRET_KEY: SecretStr | None = None
    SLACK_BOT_TOKEN: SecretStr | None = None
    SLACK_APP_TOKEN: SecretStr | None = None
    SLACK_SIGNING_SECRET: SecretStr | None = None
    SLACK_ADMIN_USER_TOKEN: SecretStr | None = None
    SLACK_API_URL: str | None = None
    TELEGRAM_BOT_TOKEN: SecretStr | None = None
    TELEGRAM_API_URL: str | None = None
    TELEGRAM_WEBHOOK_URL: str | None = None
    TELEGRAM_WEBHOOK_SECRET: SecretStr | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class WebSection(Section):
    # the address members open the console's one-time links at, as they reach it (behind a
    # proxy: https://bot.example.org); unset, http://127.0.0.1 and the port the bot serves
    public_url: str | None = None

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")


class Settings(Section):
    bot: BotSection = Field(default_factory=BotSection)
    chats: list[ChatConfig] = Field(default_factory=list)
    console: ConsoleSection = Field(default_factory=ConsoleSection)
    moderation: ModerationSection = Field(default_factory=ModerationSection)
    questions: QuestionsSection = Field(default_factory=QuestionsSection)
    learning: LearningSection = Field(default_factory=LearningSection)
    web: WebSection = Field(default_factory=WebSection)
    secrets: Secrets = Field(default_factory=Secrets, exclude=True)
    source: str = Field(default="defaults", exclude=True)

    @property
    def database_url(self) -> str:
        return self.secrets.DATABASE_URL or DEFAULT_DATABASE_URL

    def is_admin(self, user_key: str) -> bool:
        return user_key in self.bot.admins


SECRET_NAMES = frozenset(Secrets.model_fields)


def load_settings(path: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read the config file (if any) and the environment. Raises ConfigError with one clear line."""
    environ = dict(os.environ if env is None else env)
    config_path = path or Path(environ.get("PRACTICEBOT_CONFIG", DEFAULT_CONFIG))
    data: dict[str, Any] = {}
    if path is not None or config_path.exists():
        data = _read_toml(config_path)
    _refuse_secrets_in_file(data, config_path)
    try:
        given: dict[str, Any] = {k: v for k, v in environ.items() if k in SECRET_NAMES}
        secrets = Secrets(**given)
        return Settings(**data, secrets=secrets, source=str(config_path) if data else "defaults")
    except ValidationError as exc:
        raise ConfigError(_one_line(exc, config_path)) from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"--config: file {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"--config: cannot read {path}: {exc.strerror}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; expected a TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def _refuse_secrets_in_file(data: dict[str, Any], path: Path) -> None:
    def walk(node: Any, trail: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                name = f"{trail}.{key}" if trail else key
                if (
                    key.upper() in SECRET_NAMES and key.upper() != "DATABASE_URL"
                ) or key == "secrets":
                    raise ConfigError(
                        f"{path}: {name}: secrets are read from the environment only; "
                        f"remove it from the file and set {key.upper()} instead"
                    )
                walk(value, name)

    walk(data, "")


def _one_line(exc: ValidationError, path: Path) -> str:
    where = str(path) if path.exists() else "environment"
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if p != "secrets")
        got = err.get("input")
        shown = f", got {got!r}" if got is not None and not isinstance(got, dict | list) else ""
        parts.append(f"{loc or 'settings'}: {err['msg']}{shown}")
    return f"{where}: " + "; ".join(parts)


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}; expected an IANA name such as Europe/London"
        ) from None
    return name
