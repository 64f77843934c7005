"""Open Badges 3.0 credentials: signed VC-JWTs in the VC 2.0 form that pass the OB 3.0 schema's
rules, verify, and fail when altered."""

from __future__ import annotations

import argparse
import base64
import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bot.config import LearningSection
from handlers.learning import cli
from handlers.learning.badges import (
    BadgeInvalid,
    build_credential,
    public_jwk,
    schema_problems,
    sign,
    verify,
)
from handlers.learning.programmes import load_programmes
from tests.learning.conftest import PROGRAMMES, write_key

ISSUED = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


def credential(programme_id: str = "social-media-in-practice") -> dict[str, Any]:
    programme = load_programmes(PROGRAMMES)[programme_id]
    return build_credential(programme, "test:u-alice", ISSUED, LearningSection())


def token(key: Ed25519PrivateKey) -> str:
    return sign(credential(), key)


def signed_payload(payload: dict[str, Any], key: Ed25519PrivateKey, typ: str = "vc+jwt") -> str:
    """Any payload, properly signed: what another issuer (or an older version of us) might send."""
    headers = {"typ": typ, "jwk": public_jwk(key.public_key())}
    return pyjwt.encode(payload, key, algorithm="EdDSA", headers=headers)


@pytest.mark.parametrize("programme_id", sorted(load_programmes(PROGRAMMES)))
def test_every_badge_we_issue_passes_the_open_badges_3_schema(programme_id: str) -> None:
    vc = credential(programme_id)
    assert schema_problems(vc) == []
    assert vc["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert vc["validFrom"] == "2026-04-01T09:30:00Z" and "issuanceDate" not in vc


def test_the_jwt_is_the_vc_jose_cose_form_the_payload_is_the_credential() -> None:
    key = Ed25519PrivateKey.generate()
    signed = token(key)
    header = pyjwt.get_unverified_header(signed)
    assert header["typ"] == "vc+jwt" and header["alg"] == "EdDSA"
    assert "d" not in header["jwk"], "never the private key"
    payload = pyjwt.decode(signed, options={"verify_signature": False})
    assert "vc" not in payload
    assert schema_problems(payload) == []
    assert payload["iss"] == payload["issuer"]["id"]
    assert payload["jti"] == payload["id"]
    assert payload["sub"] == payload["credentialSubject"]["id"]
    assert payload["nbf"] == int(ISSUED.timestamp())


def test_signed_credential_verifies_and_names_the_achievement() -> None:
    key = Ed25519PrivateKey.generate()
    result = verify(token(key), key.public_key())
    vc = result.credential
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["credentialSubject"]["achievement"]["name"] == "Social media in practice"
    assert "u-alice" not in json.dumps(vc), "the platform user id is hashed, not published"


BREAKS = {
    "the 2018 context first": (
        lambda vc: vc["@context"].__setitem__(0, "https://www.w3.org/2018/credentials/v1"),
        "@context[0]: must be 'https://www.w3.org/ns/credentials/v2'",
    ),
    "the contexts swapped": (
        lambda vc: vc["@context"].reverse(),
        "@context[1]: must be the Open Badges 3.0 context",
    ),
    "issuanceDate instead of validFrom": (
        lambda vc: vc.__setitem__("issuanceDate", vc.pop("validFrom")),
        "the credential: `validFrom` is required (`issuanceDate` is the older VC 1.1 form)",
    ),
    "validFrom without a time zone": (
        lambda vc: vc.__setitem__("validFrom", "2026-04-01T09:30:00"),
        "validFrom: '2026-04-01T09:30:00' does not match",
    ),
    "the learner's name in the subject": (
        lambda vc: vc["credentialSubject"].__setitem__("name", "Alice"),
        "credentialSubject: other properties are not allowed ('name' was unexpected)",
    ),
    "no Open Badges type": (
        lambda vc: vc.__setitem__("type", ["VerifiableCredential"]),
        "type: must include 'AchievementCredential' or 'OpenBadgeCredential'",
    ),
    "an achievement without criteria": (
        lambda vc: vc["credentialSubject"]["achievement"].pop("criteria"),
        "credentialSubject.achievement: `criteria` is required",
    ),
    "a subject nobody can be matched to": (
        lambda vc: [vc["credentialSubject"].pop(k) for k in ("id", "identifier")],
        "credentialSubject: needs an `id` or at least one `identifier`",
    ),
}


@pytest.mark.parametrize("name", BREAKS)
def test_the_schema_rules_refuse_what_a_wallet_checking_the_schema_refuses(name: str) -> None:
    change, problem = BREAKS[name]
    vc = copy.deepcopy(credential())
    change(vc)
    problems = schema_problems(vc)
    assert any(p.startswith(problem) for p in problems), problems


def test_verify_names_the_older_vc_1_1_form_and_schema_problems() -> None:
    key = Ed25519PrivateKey.generate()
    vc = credential()
    older = {"iss": vc["issuer"]["id"], "jti": vc["id"], "nbf": 1775035800, "vc": vc}
    with pytest.raises(BadgeInvalid, match=r"older Verifiable Credentials 1\.1 form"):
        verify(signed_payload(older, key, typ="JWT"))
    vc["@context"] = ["https://www.w3.org/2018/credentials/v1", vc["@context"][1]]
    claims = {**vc, "iss": vc["issuer"]["id"], "jti": vc["id"], "nbf": 1775035800}
    with pytest.raises(BadgeInvalid, match=r"Open Badges 3\.0 schema \(1 problem\(s\)\): @context"):
        verify(signed_payload(claims, key))


def test_claims_must_agree_with_the_credential() -> None:
    key = Ed25519PrivateKey.generate()
    vc = credential()
    claims = {**vc, "iss": "https://elsewhere.example", "jti": vc["id"], "nbf": 1775035800}
    with pytest.raises(BadgeInvalid, match="`iss` does not match"):
        verify(signed_payload(claims, key))
    claims = {**vc, "iss": vc["issuer"]["id"], "jti": vc["id"], "nbf": 1775000000}
    with pytest.raises(BadgeInvalid, match="`nbf` does not match validFrom"):
        verify(signed_payload(claims, key))


def test_tampered_or_foreign_credentials_fail() -> None:
    key = Ed25519PrivateKey.generate()
    signed = token(key)
    head, body, sig = signed.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["name"] = "Something else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(BadgeInvalid, match="signature"):
        verify(f"{head}.{forged}.{sig}")
    with pytest.raises(BadgeInvalid, match="signature"):
        verify(signed, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(BadgeInvalid, match="not a JWT"):
        verify("hello")


def test_cli_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file = tmp_path / "key.pem"
    write_key(key_file)
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    badge = tmp_path / "badge.jwt"
    badge.write_text(token(key))
    assert cli.run_verify(argparse.Namespace(file=badge, key=key_file)) == 0
    out = capsys.readouterr().out
    assert "VALID OpenBadgeCredential “Social media in practice”" in out
    assert "valid from 2026-04-01T09:30:00Z" in out
    assert "follows the Open Badges 3.0 schema's rules" in out
    other = tmp_path / "other.pem"
    write_key(other)
    assert cli.run_verify(argparse.Namespace(file=badge, key=other)) == 1
    assert "INVALID" in capsys.readouterr().err


def test_cli_verify_names_what_breaks_the_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = Ed25519PrivateKey.generate()
    vc = credential()
    del vc["validFrom"]
    claims = {**vc, "iss": vc["issuer"]["id"], "jti": vc["id"], "nbf": 1775035800}
    badge = tmp_path / "badge.jwt"
    badge.write_text(signed_payload(claims, key))
    assert cli.run_verify(argparse.Namespace(file=badge, key=None, config=None)) == 1
    err = capsys.readouterr().err
    assert err.startswith("INVALID: does not pass the Open Badges 3.0 schema")
    assert "the credential: `validFrom` is required" in err
