"""Reading files and photos (issue 18): text out of each kind, the reasons a file cannot be read,
and the reader's process pool keeping the group moving while OCR runs."""

from __future__ import annotations

import asyncio
import io
import os
import random
import signal
from pathlib import Path

import pytest
from pypdf import PdfWriter

from adapters.console.adapter import ConsoleAdapter
from bot.config import load_settings
from bot.events import AttachedFile
from handlers.moderation.attachments import (
    AttachmentReader,
    Extracted,
    FileKind,
    Limits,
    Unread,
    extract,
    kind_of,
)
from handlers.moderation.training.render_attachments import (
    born_digital_pdf,
    docx_file,
    page_image,
    screenshot,
)
from tests.support import console_scenario, require_ocr

FILES = Path(__file__).parent / "scenarios" / "files"
TEXT = "Visited Doreen Pike at 14 Elm Road, Stevenage SG1 2AB; her NHS number is 943 476 5919."


def read(name: str, data: bytes, limits: Limits | None = None) -> Extracted | Unread:
    return extract(name, "", data, limits or Limits())


def words(result: Extracted | Unread) -> str:
    assert isinstance(result, Extracted), result
    return " ".join(" ".join(result.pages).split())


def scanned_pdf(pages: int, text: str = "Team meeting notes. " * 20) -> bytes:
    images = [page_image(text, random.Random(n)) for n in range(pages)]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return out.getvalue()


def test_the_kind_comes_from_the_bytes_before_the_name() -> None:
    assert kind_of("notes.txt", "text/plain", b"%PDF-1.4\n") is FileKind.PDF
    assert kind_of("IMG_1.HEIC", "", b"\x00\x00\x00\x1cftypheic") is FileKind.HEIC
    assert kind_of("a.docx", "", b"PK\x03\x04") is FileKind.DOCX
    assert kind_of("clip.mp4", "video/mp4", b"\x00\x00\x00\x18ftypmp42") is FileKind.OTHER


def test_a_born_digital_pdf_is_read_from_its_text_layer_without_ocr() -> None:
    result = read("referral.pdf", born_digital_pdf(TEXT, random.Random(1)))
    assert isinstance(result, Extracted) and result.ocr_pages == 0
    assert "Doreen Pike at 14 Elm Road" in words(result)


def test_docx_and_plain_text_are_read() -> None:
    assert "Doreen Pike" in words(read("notes.docx", docx_file(TEXT, random.Random(1))))
    assert words(read("notes.txt", TEXT.encode("utf-8"))) == TEXT
    assert "Doreen" in words(read("notes.txt", TEXT.encode("cp1252")))


def test_a_password_protected_pdf_says_so() -> None:
    result = read("locked.pdf", (FILES / "locked.pdf").read_bytes())
    assert isinstance(result, Unread)
    assert result.sentence == "could not read this PDF: it is password-protected"


def test_too_many_pages_a_damaged_file_and_a_kind_not_read() -> None:
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(100, 100)
    out = io.BytesIO()
    writer.write(out)
    long = read("long.pdf", out.getvalue(), Limits(max_pages=2))
    assert isinstance(long, Unread) and long.reason == (
        "it has 3 pages; files over 2 pages are not read"
    )
    damaged = read("scan.pdf", b"%PDF-1.4 and then nothing")
    assert isinstance(damaged, Unread) and "damaged" in damaged.reason
    video = read("clip.mp4", b"\x00\x00\x00\x18ftypmp42....")
    assert isinstance(video, Extracted) and not video.read


def test_a_phone_photo_of_a_care_plan_is_read() -> None:
    require_ocr()
    text = words(read("careplan.jpg", (FILES / "careplan.jpg").read_bytes()))
    assert "Doreen Pike" in text and "Elm Road" in text


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_photo_taken_sideways_or_upside_down_is_turned_before_ocr(turn: int) -> None:
    require_ocr()
    page = page_image(TEXT, random.Random(3)).rotate(turn, expand=True).convert("RGB")
    out = io.BytesIO()
    page.save(out, "JPEG", quality=70)
    assert "Doreen Pike" in words(read("sideways.jpg", out.getvalue()))


def test_a_screenshot_a_heic_photo_and_a_scanned_pdf_are_read() -> None:
    require_ocr()
    assert "Doreen Pike" in words(read("shot.png", screenshot(TEXT, random.Random(1))))
    from pillow_heif import register_heif_opener

    register_heif_opener()
    heic = io.BytesIO()
    page_image(TEXT, random.Random(2)).convert("RGB").save(heic, "HEIF")
    assert "Doreen Pike" in words(read("IMG_0001.HEIC", heic.getvalue()))
    scan = read("scan.pdf", scanned_pdf(1, TEXT))
    assert isinstance(scan, Extracted) and scan.ocr_pages == 1
    assert "Doreen Pike" in words(scan)


def test_a_file_not_read_in_time_says_so() -> None:
    require_ocr()
    slow = read("scan.pdf", scanned_pdf(3), Limits(seconds=0.05))
    assert isinstance(slow, Unread)
    assert slow.reason == "reading it took longer than 0.05 seconds"


async def test_the_reader_refuses_what_is_too_large_or_was_not_fetched() -> None:
    reader = AttachmentReader(Limits(), max_bytes=10)
    big = await reader.read(AttachedFile("big.pdf", "application/pdf", b"%PDF-" + b"0" * 20))
    assert isinstance(big, Unread) and big.sentence == (
        "could not read this PDF: it is larger than 1e-05 MB"
    )
    lost = await reader.read(AttachedFile("x.jpg", "image/jpeg", error="it is larger than 20 MB"))
    assert isinstance(lost, Unread) and lost.reason == "it is larger than 20 MB"
    reader.close()


async def test_a_post_is_decided_while_an_ocr_job_runs(tmp_path: Path) -> None:
    """OCR runs in a worker process: the group's other posts are not kept waiting on it."""
    require_ocr()
    (tmp_path / "minutes.pdf").write_bytes(scanned_pdf(6))
    settings = load_settings(env={"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"})
    out = io.StringIO()
    adapter = ConsoleAdapter(settings, out=out, files_dir=tmp_path / "out")
    async with console_scenario(
        settings, adapter, ("handlers.admin", "handlers.moderation")
    ) as session:
        session.look_for_files_in(tmp_path)
        ocr = asyncio.create_task(session.line("alice> minutes [file: minutes.pdf]"))
        await asyncio.sleep(0.2)  # the scan is with the worker now
        await session.line("bob> visited Doreen Pike at 14 Elm Road today")
        assert "Held post #1 in Practice group by bob" in out.getvalue()
        assert not ocr.done()  # six scanned pages: the worker is still reading them
        await ocr
    assert "by alice" not in out.getvalue()  # the minutes identify nobody: left alone


async def test_files_read_are_counted_and_timed_for_the_operators() -> None:
    from bot.metrics import Metrics
    from handlers.moderation.detector import Detector
    from handlers.moderation.file_screening import screen_files

    metrics = Metrics()
    reader = AttachmentReader(Limits(), max_bytes=1_000_000)
    try:
        screened = await screen_files(
            reader,
            [
                AttachedFile("notes.txt", "text/plain", TEXT.encode()),
                AttachedFile("locked.pdf", "application/pdf", (FILES / "locked.pdf").read_bytes()),
            ],
            Detector(),
            metrics,
        )
    finally:
        reader.close()
    assert screened[0].pages and screened[0].pages[0].lines[0].startswith("Visited [PERSON]")
    assert screened[1].unread == "could not read this PDF: it is password-protected"
    exposition = metrics.exposition()[0].decode()
    assert 'practicebot_files_read_total{kind="text",outcome="read"} 1.0' in exposition
    assert 'practicebot_files_read_total{kind="pdf",outcome="unreadable"} 1.0' in exposition
    assert "practicebot_file_read_seconds_count 2.0" in exposition


async def test_files_waiting_for_the_worker_are_not_timed_out_while_they_wait() -> None:
    """Ten screenshots at once on one worker with 3 s each: the time runs per file, from when
    the worker takes it, so none is given up on while the others are read."""
    require_ocr()
    reader = AttachmentReader(Limits(seconds=3), max_bytes=10_000_000, workers=1)
    shots = [
        AttachedFile(f"shot{n}.png", "image/png", screenshot(TEXT, random.Random(n)))
        for n in range(10)
    ]
    try:
        await reader.start()
        results = await asyncio.gather(*(reader.read(shot) for shot in shots))
    finally:
        reader.close()
    assert all(isinstance(r, Extracted) for r in results), results


def test_a_picture_pasted_into_a_docx_is_read() -> None:
    require_ocr()
    import docx

    document = docx.Document()
    document.add_paragraph("Notes from today's visit, see the photo.")
    document.add_picture(io.BytesIO(screenshot(TEXT, random.Random(4))))
    out = io.BytesIO()
    document.save(out)
    result = read("visit.docx", out.getvalue())
    assert isinstance(result, Extracted) and result.ocr_pages == 1
    assert "Doreen Pike" not in result.pages[0] and "Doreen Pike" in result.pages[1]


def test_the_card_says_where_in_the_file() -> None:
    from handlers.moderation.file_screening import ScreenedFile

    def where(kind: FileKind, page: int) -> str:
        return ScreenedFile(AttachedFile("f", "x"), kind).where(page)

    assert where(FileKind.PDF, 2) == "page 2"
    assert (where(FileKind.DOCX, 1), where(FileKind.DOCX, 3)) == ("text", "picture 2")
    assert where(FileKind.JPEG, 1) == ""


async def test_a_reader_process_that_dies_is_replaced_and_its_file_held_with_the_reason() -> None:
    """A worker killed mid-file (a crash in a decoder, the OOM killer): that file is held with a
    reason, and the next file is read by a new worker."""
    require_ocr()
    reader = AttachmentReader(Limits(), max_bytes=20_000_000)
    await reader.start()
    try:
        assert reader._pool is not None
        [worker] = list(reader._pool._processes.values())  # type: ignore[attr-defined]
        reading = asyncio.create_task(
            reader.read(AttachedFile("minutes.pdf", "application/pdf", scanned_pdf(6)))
        )
        await asyncio.sleep(0.5)  # the scan is with the worker now
        os.kill(worker.pid, signal.SIGKILL)
        died = await reading
        assert isinstance(died, Unread)
        assert died.reason == "the reader stopped on it (it may be malformed)"
        after = await reader.read(AttachedFile("note.txt", "text/plain", b"Team meeting at 10"))
        assert "Team meeting at 10" in words(after)
    finally:
        reader.close()
