"""Open Badges 3.0: an OpenBadgeCredential for a completed programme, secured as a VC-JWT (EdDSA).

The credential is in the Verifiable Credentials Data Model 2.0 form that Open Badges 3.0 requires
(the VC 2.0 context first, `validFrom`), and it is secured as VC-JOSE-COSE describes: the JWT
payload is the credential itself (no `vc` claim), with `typ` "vc+jwt". Open Badges 3.0 adds the
claims `iss`, `jti`, `sub` and `nbf`, each equal to the credential property it stands for.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jsonschema import Draft202012Validator, ValidationError
from jwt.algorithms import OKPAlgorithm

from bot.config import LearningSection
from bot.errors import ConfigError
from handlers.learning.programmes import Programme

log = logging.getLogger(__name__)

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXT = [VC_CONTEXT, OB_CONTEXT]
CREDENTIAL_TYPE = "OpenBadgeCredential"
JWT_TYPE = "vc+jwt"
# 1EdTech's published schema, named in each credential so wallets and verifiers can check it
PUBLISHED_SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
# ... and its rules in our own words, which `verify` checks without going online
SCHEMA_FILE = Path(__file__).with_name("achievement_credential.schema.json")
FALLBACK_KEY = Path("learning") / "badge-key.pem"  # in the bot's data folder


def load_signing_key(settings: LearningSection, data_dir: Path) -> Ed25519PrivateKey:
    """The organisation's Ed25519 key (PEM, PKCS#8) from learning.badge_key_file.

    Without one a key is made for this installation and kept in the data folder, with a
    warning: badges it signs verify, but only against that file."""
    path = settings.badge_key_file
    if path is None:
        path = data_dir / FALLBACK_KEY
        if not path.exists():
            log.warning("learning.badge_key_file is not set: generating %s", path)
            path.parent.mkdir(parents=True, exist_ok=True)
            key = Ed25519PrivateKey.generate()
            path.write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            path.chmod(0o600)
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"learning.badge_key_file: cannot read {path}: {exc}") from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ConfigError(f"learning.badge_key_file: {path} is not an Ed25519 private key")
    return loaded


def public_jwk(key: Ed25519PublicKey) -> dict[str, Any]:
    return dict(json.loads(OKPAlgorithm.to_jwk(key)))


def learner_identity(user_key: str, salt: str) -> dict[str, Any]:
    # OB 3.0 IdentityObject: a salted hash, so the credential does not publish a platform user id
    digest = hashlib.sha256((user_key + salt).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": "identifier",
        "hashed": True,
        "salt": salt,
    }


def timestamp(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def build_credential(
    programme: Programme, user_key: str, issued: datetime, settings: LearningSection
) -> dict[str, Any]:
    """The unsigned credential. The learner appears only as a salted hash of their platform id
    and a random id for this badge (`sub` in the JWT): no name, no platform user id."""
    base = settings.badge_issuer_url.rstrip("/")
    return {
        "@context": list(CONTEXT),
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "issuer": {"id": base, "type": ["Profile"], "name": settings.badge_issuer_name},
        "validFrom": timestamp(issued),
        "name": programme.badge.name,
        "credentialSubject": {
            "id": f"urn:uuid:{uuid.uuid4()}",
            "type": ["AchievementSubject"],
            "identifier": [learner_identity(user_key, uuid.uuid4().hex[:16])],
            "achievement": {
                "id": f"{base}/achievements/{programme.id}",
                "type": ["Achievement"],
                "name": programme.badge.name,
                "description": programme.description,
                "criteria": {"narrative": programme.badge.criteria},
                "achievementType": "Competency",
            },
        },
        "credentialSchema": [dict(PUBLISHED_SCHEMA)],
    }


def sign(credential: dict[str, Any], key: Ed25519PrivateKey) -> str:
    """The VC-JWT: the credential is the payload, with the claims Open Badges 3.0 asks for."""
    valid_from = int(_parse_time(credential["validFrom"]).timestamp())
    payload = {
        **credential,
        "iss": _issuer_id(credential),
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": valid_from,
        "iat": valid_from,  # when this signature was made: at issue
    }
    headers = {"typ": JWT_TYPE, "jwk": public_jwk(key.public_key())}
    return jwt.encode(payload, key, algorithm="EdDSA", headers=headers)


@dataclass(frozen=True, slots=True)
class Verified:
    credential: dict[str, Any]
    key_matches_issuer: bool | None  # None when no issuer key was given to compare


class BadgeInvalid(Exception):
    pass


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def schema_problems(credential: object) -> list[str]:
    """Where and how a credential breaks the Open Badges 3.0 schema's rules; empty when it passes."""
    errors = sorted(_validator().iter_errors(credential), key=lambda e: list(e.absolute_path))
    return [_describe(error) for error in errors]


def _describe(error: ValidationError) -> str:
    where = "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path
    ).lstrip(".")
    where = where or "the credential"
    rule = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "required":
        missing = str(error.message).split("'")[1]
        older = isinstance(error.instance, dict) and "issuanceDate" in error.instance
        if missing == "validFrom" and older:
            return f"{where}: `validFrom` is required (`issuanceDate` is the older VC 1.1 form)"
        return f"{where}: `{missing}` is required"
    if error.validator == "const":
        return f"{where}: must be {rule['const']!r}, not {error.instance!r}"
    if error.validator == "contains":
        wanted = rule["contains"]
        names = wanted.get("enum") or [wanted.get("const")]
        return f"{where}: must include {' or '.join(repr(n) for n in names)}"
    if error.validator == "pattern" and where == "@context[1]":
        return (
            f"{where}: must be the Open Badges 3.0 context ({OB_CONTEXT}), not {error.instance!r}"
        )
    if error.validator == "additionalProperties":
        return f"{where}: {error.message.replace('Additional properties', 'other properties')}"
    if error.validator == "anyOf" and where == "credentialSubject":
        return f"{where}: needs an `id` or at least one `identifier` for the learner"
    return f"{where}: {error.message}"


def verify(token: str, issuer_key: Ed25519PublicKey | None = None) -> Verified:
    """Check the signature, the Open Badges 3.0 schema's rules and the JWT claims of a VC-JWT."""
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise BadgeInvalid(f"not a JWT: {exc}") from None
    if header.get("alg") != "EdDSA":
        raise BadgeInvalid(f"expected an EdDSA signature, got alg={header.get('alg')!r}")
    if header.get("typ") not in (JWT_TYPE, "JWT", None):
        raise BadgeInvalid(f"expected typ {JWT_TYPE!r} in the JOSE header, got {header['typ']!r}")
    embedded = header.get("jwk")
    if issuer_key is None and embedded is None:
        raise BadgeInvalid("no key to check against: the header has no jwk and no --key given")
    try:
        key: Any = issuer_key or OKPAlgorithm.from_jwk(dict(embedded or {}))
    except (jwt.PyJWTError, TypeError, ValueError) as exc:
        raise BadgeInvalid(f"the header's jwk is not an Ed25519 public key: {exc}") from None
    try:
        claims = jwt.decode(
            token, key, algorithms=["EdDSA"], options={"require": ["iss", "jti", "nbf"]}
        )
    except jwt.InvalidSignatureError:
        raise BadgeInvalid(
            "the signature does not match: altered, or signed by another key"
        ) from None
    except jwt.PyJWTError as exc:
        raise BadgeInvalid(str(exc)) from None
    if "vc" in claims:
        raise BadgeInvalid(
            "this is the older Verifiable Credentials 1.1 form (the credential in a `vc` claim); "
            "Open Badges 3.0 needs the VC 2.0 form, where the JWT payload is the credential"
        )
    problems = schema_problems(claims)
    if problems:
        raise BadgeInvalid(
            f"does not pass the Open Badges 3.0 schema ({len(problems)} problem(s)): "
            + "; ".join(problems)
        )
    _check_claims(claims)
    return Verified(claims, True if issuer_key is not None else None)


def _check_claims(claims: dict[str, Any]) -> None:
    """Each JWT claim Open Badges 3.0 names must agree with the property it stands for."""
    if claims["iss"] != _issuer_id(claims):
        raise BadgeInvalid("`iss` does not match the credential's issuer id")
    if claims["jti"] != claims["id"]:
        raise BadgeInvalid("`jti` does not match the credential id")
    subject_id = claims["credentialSubject"].get("id")
    if claims.get("sub", subject_id) != subject_id:
        raise BadgeInvalid("`sub` does not match credentialSubject.id")
    if claims["nbf"] != int(_parse_time(claims["validFrom"]).timestamp()):
        raise BadgeInvalid("`nbf` does not match validFrom")


def _issuer_id(credential: dict[str, Any]) -> str:
    issuer = credential["issuer"]
    return str(issuer if isinstance(issuer, str) else issuer["id"])


def _parse_time(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadgeInvalid(f"validFrom is not a date and time: {value!r}") from None
