from __future__ import annotations

import re
from pathlib import Path

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SCREENSHOT_DIR = Path("/tmp/shots")


def screenshot(page, name: str) -> Path:
    """A full-page picture in /tmp/shots/, to look at the design by eye."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def link_in_mail(*, to_email: str, path_part: str) -> str:
    """The first link containing path_part in the newest mail recorded for to_email."""
    from kag_portal.models import OutboxMail

    mail = OutboxMail.objects.filter(to_email=to_email).order_by("-created_at", "-pk").first()
    assert mail is not None, f"no mail was recorded for {to_email}"
    match = re.search(rf"https?://\S*{re.escape(path_part)}\S*", mail.body_text)
    assert match, f"no link with {path_part!r} in the mail to {to_email}:\n{mail.body_text}"
    return match.group(0)
