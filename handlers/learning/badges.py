"""Open Badges 3.0: an OpenBadgeCredential for a completed programme, signed as a VC-JWT (EdDSA)."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwt.algorithms import OKPAlgorithm

from bot.config import LearningSection
from bot.errors import ConfigError
from handlers.learning.programmes import Programme

log = logging.getLogger(__name__)

CONTEXT = [
    "https://www.w3.org/2018/credentials/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
CREDENTIAL_TYPE = "OpenBadgeCredential"
FALLBACK_KEY = Path("var") / "learning" / "badge-key.pem"


def load_signing_key(settings: LearningSection) -> Ed25519PrivateKey:
    """The organisation's Ed25519 key (PEM, PKCS#8) from learning.badge_key_file.

    Without one a key is made for this installation and kept in var/, with a warning: badges
    it signs verify, but only against that file."""
    path = settings.badge_key_file
    if path is None:
        path = FALLBACK_KEY
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


def build_credential(
    programme: Programme,
    learner_name: str,
    user_key: str,
    issued: datetime,
    settings: LearningSection,
) -> dict[str, Any]:
    base = settings.badge_issuer_url.rstrip("/")
    return {
        "@context": CONTEXT,
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "issuer": {"id": base, "type": ["Profile"], "name": settings.badge_issuer_name},
        "issuanceDate": issued.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "name": programme.badge.name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": learner_name,
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
    }


def sign(credential: dict[str, Any], key: Ed25519PrivateKey) -> str:
    """The VC-JWT: JOSE header with the public JWK, the credential in the `vc` claim."""
    issued = datetime.fromisoformat(credential["issuanceDate"].replace("Z", "+00:00"))
    claims = {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": int(issued.timestamp()),
        "iat": int(issued.timestamp()),
        "vc": credential,
    }
    headers = {"typ": "JWT", "jwk": public_jwk(key.public_key())}
    return jwt.encode(claims, key, algorithm="EdDSA", headers=headers)


@dataclass(frozen=True, slots=True)
class Verified:
    credential: dict[str, Any]
    key_matches_issuer: bool | None  # None when no issuer key was given to compare


class BadgeInvalid(Exception):
    pass


def verify(token: str, issuer_key: Ed25519PublicKey | None = None) -> Verified:
    """Check signature, structure and claims of a VC-JWT OpenBadgeCredential."""
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise BadgeInvalid(f"not a JWT: {exc}") from None
    if header.get("alg") != "EdDSA":
        raise BadgeInvalid(f"expected an EdDSA signature, got alg={header.get('alg')!r}")
    embedded = header.get("jwk")
    if issuer_key is None and embedded is None:
        raise BadgeInvalid("no key to check against: the header has no jwk and no --key given")
    key: Any = issuer_key or OKPAlgorithm.from_jwk(dict(embedded or {}))
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
    vc = claims.get("vc")
    if not isinstance(vc, dict):
        raise BadgeInvalid("the JWT has no `vc` claim")
    types = vc.get("type") or []
    if CREDENTIAL_TYPE not in types or "VerifiableCredential" not in types:
        raise BadgeInvalid(f"type must include VerifiableCredential and {CREDENTIAL_TYPE}")
    if CONTEXT[1] not in (vc.get("@context") or []):
        raise BadgeInvalid("the Open Badges 3.0 context is missing")
    issuer = vc.get("issuer") or {}
    if claims["iss"] != issuer.get("id"):
        raise BadgeInvalid("`iss` does not match the credential's issuer id")
    if claims["jti"] != vc.get("id"):
        raise BadgeInvalid("`jti` does not match the credential id")
    subject = vc.get("credentialSubject") or {}
    if "achievement" not in subject:
        raise BadgeInvalid("credentialSubject has no achievement")
    matches = None
    if issuer_key is not None:
        matches = True
    return Verified(vc, matches)
