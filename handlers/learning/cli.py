"""Learning tools: `programmes check DIR`, `badges verify FILE`, `report`, `enrol PROGRAMME`.

Each subcommand is a (configure, run) pair that bot/cli.py wires in (see its PLUGINS)."""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select

from bot.config import Settings, load_settings
from bot.events import User
from bot.plugins import CliCommand
from bot.store import Store
from bot.store.models import MemberRecord
from bot.wording import counted
from handlers.learning.badges import BadgeInvalid, verify
from handlers.learning.catalogue import Catalogue
from handlers.learning.enrolments import defaults, replan, start_enrolment
from handlers.learning.models import Status
from handlers.learning.planning import rules_of
from handlers.learning.programmes import ProgrammeError, load_programmes
from handlers.learning.records import report


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(getattr(args, "config", None))


def configure_check(parser: argparse.ArgumentParser) -> None:
    """validate every programme file in a folder (exit 2 on error)"""
    parser.add_argument("dir", type=Path, help="folder of programme YAML files")


def run_check(args: argparse.Namespace) -> int:
    try:
        programmes = load_programmes(args.dir)
    except ProgrammeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{counted(len(exc.problems), 'problem')} in {args.dir}", file=sys.stderr)
        return 2
    for programme in programmes.values():
        print(f"ok  {programme.id}: {programme.title} ({counted(len(programme.tasks), 'task')})")
    return 0


def configure_verify(parser: argparse.ArgumentParser) -> None:
    """check an Open Badges 3.0 credential (VC-JWT file)"""
    parser.add_argument("file", type=Path, help="the .jwt file the learner received")
    parser.add_argument(
        "--key",
        type=Path,
        help="the issuer's Ed25519 key (PEM, public or private); default learning.badge_key_file",
    )


def _issuer_key(args: argparse.Namespace) -> Ed25519PublicKey | None:
    path = args.key
    if path is None:
        try:
            path = _settings(args).learning.badge_key_file
        except Exception:
            path = None
    if path is None:
        return None
    data = Path(path).read_bytes()
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        private = serialization.load_pem_private_key(data, password=None)
        assert isinstance(private, Ed25519PrivateKey)
        key = private.public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    return key


def run_verify(args: argparse.Namespace) -> int:
    try:
        token = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    try:
        key = _issuer_key(args)
    except (OSError, ValueError) as exc:
        print(f"cannot read the issuer key: {exc}", file=sys.stderr)
        return 2
    try:
        result = verify(token, key)
    except BadgeInvalid as exc:
        print(f"INVALID: {exc}", file=sys.stderr)
        return 1
    vc = result.credential
    subject = vc["credentialSubject"]
    checked = (
        "the issuer's key"
        if result.key_matches_issuer
        else "the key embedded in the credential (pass --key to check it is the issuer's)"
    )
    print(
        f"VALID OpenBadgeCredential “{vc['name']}” for {subject.get('name', 'a learner')}, "
        f"issued by {vc['issuer'].get('name', vc['issuer']['id'])} on {vc['issuanceDate']}; "
        f"signature checked with {checked}"
    )
    return 0


def configure_report(parser: argparse.ArgumentParser) -> None:
    """per programme: enrolled, delivered, answered, completion rate, median response time"""


async def _report(settings: Settings) -> list[str]:
    store = Store(settings.database_url)
    await store.start()
    try:
        catalogue = Catalogue.from_folder(settings.learning.programmes_dir)
        async with store.session() as s:
            return [f.line() for f in await report(s, catalogue)]
    finally:
        await store.stop()


def run_report(args: argparse.Namespace) -> int:
    for line in asyncio.run(_report(_settings(args))):
        print(line)
    return 0


def configure_enrol(parser: argparse.ArgumentParser) -> None:
    """enrol learners in a programme: a CSV of user ids, or every member known on a platform"""
    parser.add_argument("programme", help="programme id (see /learn or `programmes check`)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--csv", type=Path, help="CSV with a user_id column (and name, platform)")
    source.add_argument(
        "--members", metavar="PLATFORM", help="every member the bot has met on PLATFORM"
    )
    parser.add_argument("--platform", default="console", help="platform for CSV rows without one")


def _csv_users(path: Path, platform: str) -> list[User]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if rows and "user_id" not in rows[0]:
        raise ValueError(f"{path}: needs a user_id column (found {', '.join(rows[0])})")
    return [
        User(
            (r.get("platform") or platform).strip(),
            r["user_id"].strip(),
            (r.get("name") or r["user_id"]).strip(),
        )
        for r in rows
        if r.get("user_id", "").strip()
    ]


async def _enrol(
    settings: Settings, args: argparse.Namespace, now: datetime | None = None
) -> tuple[int, int]:
    catalogue = Catalogue.from_folder(settings.learning.programmes_dir)
    if catalogue.get(args.programme) is None:
        raise ValueError(
            f"no programme {args.programme!r}; known: {', '.join(sorted(catalogue.programmes))}"
        )
    store = Store(settings.database_url)
    await store.start()
    now = now or datetime.now(UTC)
    enrolled = skipped = 0
    try:
        if args.csv is not None:
            users = _csv_users(args.csv, args.platform)
        else:
            async with store.session() as s:
                members = (
                    await s.scalars(
                        select(MemberRecord).where(MemberRecord.platform == args.members)
                    )
                ).all()
            users = [User(m.platform, m.user_id, m.name) for m in members]
        for user in users:
            async with store.session() as s:
                d = defaults(settings.learning, settings.bot.timezone)
                enrolment, fresh = await start_enrolment(s, user, args.programme, catalogue, d, now)
                if not fresh:
                    skipped += 1
                    continue
                enrolment.status = Status.ACTIVE.value
                await replan(s, enrolment, catalogue, rules_of(enrolment, settings.learning), now)
                enrolled += 1
    finally:
        await store.stop()
    return enrolled, skipped


def run_enrol(args: argparse.Namespace) -> int:
    try:
        enrolled, skipped = asyncio.run(_enrol(_settings(args), args))
    except (OSError, ValueError, KeyError) as exc:
        print(f"enrol: {exc}", file=sys.stderr)
        return 2
    print(f"enrolled {enrolled}; {skipped} already in the programme")
    return 0


check_command = CliCommand(configure_check, run_check, group_help="learning programme tools")
verify_command = CliCommand(configure_verify, run_verify, group_help="Open Badges credentials")
report_command = CliCommand(configure_report, run_report)
enrol_command = CliCommand(configure_enrol, run_enrol)
