"""Writes the files the attachment scenarios post (run from the repository's root):

    .venv/bin/python tests/moderation/scenarios/files/make.py

careplan.jpg: a phone photo of a care plan that names a person and an address; notice.jpg: a
phone photo of a harmless notice; locked.pdf: a PDF with a password. Made up, seeded."""

from __future__ import annotations

import io
import random
from pathlib import Path

from pypdf import PdfWriter

from handlers.moderation.training.render_attachments import born_digital_pdf, photo

HERE = Path(__file__).parent


def main() -> None:
    (HERE / "careplan.jpg").write_bytes(
        photo(
            "Doreen Pike, 14 Elm Road, Stevenage SG1 2AB. Lives alone, carers twice a day. "
            "Daughter visits on Sundays.",
            random.Random(1),
        )
    )
    (HERE / "notice.jpg").write_bytes(
        photo("Team meeting moved to Thursday at 2pm in room 4. Bring your supervision notes.", random.Random(2))
    )
    writer = PdfWriter(clone_from=io.BytesIO(born_digital_pdf("Referral for a visit.", random.Random(3))))
    writer.encrypt("a-password-nobody-knows")
    out = io.BytesIO()
    writer.write(out)
    (HERE / "locked.pdf").write_bytes(out.getvalue())


if __name__ == "__main__":
    main()
