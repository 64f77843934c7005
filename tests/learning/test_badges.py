"""Open Badges 3.0 credentials: signed VC-JWTs that verify, and fail when altered."""

from __future__ import annotations

import argparse
import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bot.config import LearningSection
from handlers.learning import cli
from handlers.learning.badges import BadgeInvalid, build_credential, sign, verify
from handlers.learning.programmes import load_programmes
from tests.learning.conftest import PROGRAMMES, write_key


def token(key: Ed25519PrivateKey) -> str:
    programme = load_programmes(PROGRAMMES)["social-media-in-practice"]
    credential = build_credential(
        programme, "Alice", "test:u-alice", datetime(2026, 4, 1, tzinfo=UTC), LearningSection()
    )
    return sign(credential, key)


def test_signed_credential_verifies_and_names_the_achievement() -> None:
    key = Ed25519PrivateKey.generate()
    result = verify(token(key), key.public_key())
    vc = result.credential
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["credentialSubject"]["achievement"]["name"] == "Social media in practice"
    assert "u-alice" not in json.dumps(vc), "the platform user id is hashed, not published"


def test_tampered_or_foreign_credentials_fail() -> None:
    key = Ed25519PrivateKey.generate()
    jwt = token(key)
    head, body, sig = jwt.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["vc"]["name"] = "Something else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(BadgeInvalid, match="signature"):
        verify(f"{head}.{forged}.{sig}")
    with pytest.raises(BadgeInvalid, match="signature"):
        verify(jwt, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(BadgeInvalid, match="not a JWT"):
        verify("hello")


def test_cli_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file = tmp_path / "key.pem"
    write_key(key_file)
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    badge = tmp_path / "badge.jwt"
    badge.write_text(token(key))
    assert cli.run_verify(argparse.Namespace(file=badge, key=key_file)) == 0
    assert "VALID OpenBadgeCredential" in capsys.readouterr().out
    other = tmp_path / "other.pem"
    write_key(other)
    assert cli.run_verify(argparse.Namespace(file=badge, key=other)) == 1
    assert "INVALID" in capsys.readouterr().err
