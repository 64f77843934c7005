"""Tesseract OCR on a photo or a scanned page, straightened first.

Phone photos come tilted, turned, unevenly lit and soft. Before OCR: EXIF orientation applied,
grey, at most `MAX_SIDE` pixels long, lighting flattened (divided by a blurred copy of itself, so
a shadow across the page stops looking like ink), and turned to the angle at which its rows of
ink are sharpest (a projection profile over small angles and a quarter turn). If the words then
read badly, the page may be upside down: it is read once more turned half round, and the better
reading kept. Speckle (sensor noise, a scanner's dust) is taken out with a median filter, and
the page made black and white at Otsu's threshold, or mid-grey where that is lower.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter, ImageOps

MAX_SIDE = 2200  # pixels: a phone photo's 4000 costs time and adds nothing Tesseract can use
SCREEN_ENLARGE_BELOW = 2000  # pixels: a screenshot this small has text Tesseract reads better x2
PROFILE_SIDE = 500  # the small copy the skew is measured on
ANGLES = tuple(float(a) for a in range(-12, 13, 2))
FINE = (-1.0, -0.5, 0.5, 1.0)
INK_AT_MOST = 128  # grey level: on a page whose lighting is flattened, paler is paper or speckle
GOOD_CONFIDENCE = 70.0  # mean word confidence above which a reading is not tried turned round


class OcrUnavailable(Exception):
    """Tesseract is not installed (or not on PATH)."""


class OcrTimeout(Exception):
    """Tesseract did not finish in the time left."""


@dataclass(frozen=True, slots=True)
class Reading:
    text: str
    confidence: float  # mean of the word confidences, 0..100
    words: int


def ocr_image(
    image: Image.Image, seconds_left: float, *, upright: bool = False, screen: bool = False
) -> str:
    """The text of a photo or scan. `upright` (a rendered PDF page) skips the straightening;
    `screen` (a screenshot) is read as it is, only enlarged: its small, crisp text would lose
    strokes to the cleaning a photo needs."""
    if screen:
        return read(screenshot_page(image), seconds_left).text
    page = prepare(image, straighten=not upright)
    reading = read(page, seconds_left)
    if upright or reading.confidence >= GOOD_CONFIDENCE or reading.words == 0:
        return reading.text
    turned = read(page.rotate(180), seconds_left / 2)
    return turned.text if turned.confidence > reading.confidence else reading.text


def prepare(image: Image.Image, *, straighten: bool = True) -> Image.Image:
    grey = ImageOps.exif_transpose(image).convert("L")
    if max(grey.size) > MAX_SIDE:
        grey.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # a median filter takes out the speckle that flattening brings up in dark corners, and ink
    # is told from paper by Otsu's threshold (at most mid-grey): Tesseract otherwise takes a speckled corner for a
    # picture and skips the lines of text beside it
    grey = binarise(flatten_lighting(grey).filter(ImageFilter.MedianFilter(3)))
    if not straighten:
        return grey
    angle = skew_angle(grey)
    if angle:
        grey = grey.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return grey


def screenshot_page(image: Image.Image) -> Image.Image:
    grey = ImageOps.exif_transpose(image).convert("L")
    if max(grey.size) <= SCREEN_ENLARGE_BELOW:
        grey = grey.resize((grey.width * 2, grey.height * 2), Image.Resampling.LANCZOS)
    return grey


def flatten_lighting(grey: Image.Image) -> Image.Image:
    radius = max(grey.size) / 40
    background = np.asarray(grey.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32)
    pixels = np.asarray(grey, dtype=np.float32)
    flat = np.clip(pixels / np.maximum(background, 1.0) * 255.0, 0, 255).astype(np.uint8)
    return ImageOps.autocontrast(Image.fromarray(flat), cutoff=1)


def binarise(grey: Image.Image) -> Image.Image:
    pixels = np.asarray(grey)
    counts = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256, dtype=np.float64)
    below = np.cumsum(counts)
    above = below[-1] - below
    mean_below = np.cumsum(counts * levels) / np.maximum(below, 1)
    mean_above = ((counts * levels).sum() - np.cumsum(counts * levels)) / np.maximum(above, 1)
    spread = below * above * np.square(mean_below - mean_above)
    threshold = min(int(np.argmax(spread)), INK_AT_MOST)
    return Image.fromarray(np.where(pixels > threshold, 255, 0).astype(np.uint8))


def skew_angle(grey: Image.Image) -> float:
    """The turn (degrees, counter-clockwise) that makes the lines of text horizontal."""
    small = grey.copy()
    small.thumbnail((PROFILE_SIDE, PROFILE_SIDE))
    ink = Image.fromarray((np.asarray(small) < 160).astype(np.uint8) * 255)
    candidates = [*ANGLES, *(a + 90 for a in ANGLES)]
    best = max(candidates, key=lambda a: _sharpness(ink, a))
    best = max((best, *(best + f for f in FINE)), key=lambda a: _sharpness(ink, a))
    return best if abs(best) >= 0.5 else 0.0


def _sharpness(ink: Image.Image, angle: float) -> float:
    rows = np.asarray(ink.rotate(angle, expand=True), dtype=np.float32).sum(axis=1)
    return float(np.square(np.diff(rows)).sum())


def read(page: Image.Image, seconds_left: float) -> Reading:
    import pytesseract

    try:
        data = pytesseract.image_to_data(
            page,
            lang="eng",
            config="--psm 3",
            output_type=pytesseract.Output.DICT,
            timeout=max(1.0, seconds_left),
        )
    except pytesseract.TesseractNotFoundError:
        raise OcrUnavailable from None
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise OcrTimeout from None
        raise
    return _reading(data)


def _reading(data: dict[str, list[object]]) -> Reading:
    """Words by line, a blank line between Tesseract's blocks (paragraphs, a form's fields)."""
    lines: dict[tuple[object, ...], list[str]] = {}
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        text = str(word).strip()
        if not text:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(text)
        confidences.append(float(str(data["conf"][i])))
    text, block = "", None
    for (number, *_), words in lines.items():
        gap = "" if block is None else ("\n" if number == block else "\n\n")
        text += gap + " ".join(words)
        block = number
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return Reading(text, mean, len(confidences))
