"""Labelled attachments rendered from labelled posts: what the detector meets as files.

    python -m handlers.moderation.training.render_attachments FILE.jsonl... --out DIR
        [--limit N] [--seed 18] [--kinds photo,screenshot,scan,pdf,docx]

Each post (text, label) becomes one file, the kinds in turn: a phone photo of a printed page
(tilted, now and then turned a quarter or half round, a shadow, soft focus, sensor noise, strong
JPEG), a screenshot of a made-up case system, a scanned PDF (an image per page, no text layer), a
born-digital PDF (a text layer) and a DOCX. DIR/labels.jsonl gets a line a file
(`{"file": "0001-photo.jpg", "label": "breach", "kind": "photo", "id": ...}`) and DIR/posts.jsonl
the same posts as text, so `python -m bot eval moderation DIR/posts.jsonl` and
`python -m bot eval moderation --attachments DIR` score the same posts both ways. Seeded: the same
arguments give the same files.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

KINDS = ("photo", "screenshot", "scan", "pdf", "docx")
PAGE = (1240, 1754)  # A4 at 150 dpi
MARGIN = 110
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def font(size: int) -> Font:
    """Pillow's own scalable font: nothing to install, the same on every machine."""
    return ImageFont.load_default(size=size)


def wrap(text: str, face: Font, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if line and face.getlength(candidate) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def page_image(text: str, rng: random.Random, title: str = "Visit notes") -> Image.Image:
    page = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(page)
    draw.text((MARGIN, 90), title, fill=20, font=font(44))
    draw.line((MARGIN, 160, PAGE[0] - MARGIN, 160), fill=90, width=3)
    body = font(rng.choice((30, 32, 34)))
    y = 200
    for line in wrap(text, body, PAGE[0] - 2 * MARGIN):
        draw.text((MARGIN, y), line, fill=rng.randint(0, 40), font=body)
        y += int(body.size * 1.5) if isinstance(body, ImageFont.FreeTypeFont) else 20
    return page


def _turned(page: Image.Image, rng: random.Random) -> Image.Image:
    angle = rng.uniform(-7, 7)
    roll = rng.random()
    if roll < 0.08:
        angle += 90
    elif roll < 0.12:
        angle += 180
    table = rng.randint(70, 140)
    return page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=table)


def _shadow(image: Image.Image, rng: random.Random) -> Image.Image:
    width, height = image.size
    pixels = np.asarray(image, dtype=np.float32)
    across = np.linspace(rng.uniform(0.55, 0.85), 1.0, width, dtype=np.float32)
    if rng.random() < 0.5:
        across = across[::-1]
    down = np.linspace(1.0, rng.uniform(0.8, 1.0), height, dtype=np.float32)
    shaded = pixels * across[None, :] * down[:, None]
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, rng.uniform(4, 10), shaded.shape)
    return Image.fromarray(np.clip(shaded + noise, 0, 255).astype(np.uint8))


def photo(text: str, rng: random.Random) -> bytes:
    page = _turned(page_image(text, rng, "Care plan"), rng)
    page = _shadow(page, rng).filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.4)))
    colour = Image.merge(
        "RGB", (page, page.point(lambda v: v * 0.97), page.point(lambda v: v * 0.9))
    )
    scale = rng.uniform(1.05, 1.3)
    colour = colour.resize((int(colour.width * scale), int(colour.height * scale)))
    out = io.BytesIO()
    colour.save(out, "JPEG", quality=rng.randint(45, 75))
    return out.getvalue()


def screenshot(text: str, rng: random.Random) -> bytes:
    width = 1280
    body = font(19)
    lines = wrap(text, body, 820)
    height = max(720, 330 + 30 * len(lines))
    shot = Image.new("RGB", (width, height), (245, 246, 248))
    draw = ImageDraw.Draw(shot)
    draw.rectangle((0, 0, width, 56), fill=(24, 62, 112))
    draw.text(
        (24, 16),
        "CareRecord  |  Adult Social Care  |  Case management",
        fill="white",
        font=font(20),
    )
    draw.rectangle((0, 56, 230, height), fill=(228, 232, 238))
    for n, item in enumerate(("Home", "My caseload", "Assessments", "Case notes", "Reviews")):
        draw.text((22, 86 + 40 * n), item, fill=(40, 40, 60), font=font(18))
    draw.text(
        (270, 80), f"Case note  CN-{rng.randint(10000, 99999)}", fill=(20, 20, 30), font=font(26)
    )
    draw.text(
        (270, 130), "Type: Visit    Recorded by: duty worker", fill=(70, 70, 80), font=font(17)
    )
    draw.rectangle(
        (262, 180, width - 40, 200 + 30 * len(lines) + 20), outline=(180, 184, 190), fill="white"
    )
    for n, line in enumerate(lines):
        draw.text((280, 200 + 30 * n), line, fill=(25, 25, 25), font=body)
    out = io.BytesIO()
    shot.save(out, "PNG", optimize=True)
    return out.getvalue()


def scan(text: str, rng: random.Random) -> bytes:
    page = page_image(text, rng, "Referral").rotate(
        rng.uniform(-1.5, 1.5), resample=Image.Resampling.BICUBIC, fillcolor=255
    )
    page = _shadow(page, rng).point(lambda v: 255 if v > 200 else v)
    page = page.resize((PAGE[0] * 2 // 3 * 3 // 2, PAGE[1] * 2 // 3 * 3 // 2))
    out = io.BytesIO()
    page.save(out, "PDF", resolution=150)
    return out.getvalue()


def born_digital_pdf(text: str, rng: random.Random) -> bytes:
    """A one-page PDF with a text layer (Helvetica), written by hand: no PDF library needed."""
    lines = ["Supervision notes", "", *wrap(text, font(11), 470)]
    ops = ["BT", "/F1 11 Tf", "14 TL", "60 780 Td"]
    for line in lines:
        raw = line.encode("cp1252", errors="replace").decode("latin-1")
        escaped = raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    content = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    return write_pdf(objects)


def write_pdf(objects: Sequence[bytes], trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def docx_file(text: str, rng: random.Random) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.author = "Practice Bot test"
    document.add_heading(rng.choice(("Case summary", "Meeting notes", "Handover")), level=1)
    for paragraph in text.splitlines() or [""]:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


RENDERERS: dict[str, tuple[str, Callable[[str, random.Random], bytes]]] = {
    "photo": ("jpg", photo),
    "screenshot": ("png", screenshot),
    "scan": ("pdf", scan),
    "pdf": ("pdf", born_digital_pdf),
    "docx": ("docx", docx_file),
}


def render_set(rows: Sequence[dict[str, Any]], out: Path, kinds: Sequence[str], seed: int) -> int:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    with (
        (out / "labels.jsonl").open("w", encoding="utf-8") as labels,
        (out / "posts.jsonl").open("w", encoding="utf-8") as posts,
    ):
        for number, row in enumerate(rows, start=1):
            kind = kinds[(number - 1) % len(kinds)]
            suffix, render = RENDERERS[kind]
            name = f"{number:04d}-{kind}.{suffix}"
            (out / name).write_bytes(render(row["text"], random.Random(rng.randrange(2**32))))
            entry = {"file": name, "label": row["label"], "kind": kind, "id": row.get("id")}
            labels.write(json.dumps(entry) + "\n")
            posts.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m handlers.moderation.training.render_attachments", description=__doc__
    )
    parser.add_argument("files", nargs="+", type=Path, help="labelled posts (JSONL)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=0, help="posts per file (0: all)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--kinds", default=",".join(KINDS))
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        parser.error(f"unknown kinds {unknown}; choose from {', '.join(KINDS)}")
    rows: list[dict[str, Any]] = []
    for path in args.files:
        these = [
            json.loads(line)
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        rows.extend(these[: args.limit] if args.limit else these)
    count = render_set(rows, args.out, kinds, args.seed)
    print(f"{count} files and labels.jsonl written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
