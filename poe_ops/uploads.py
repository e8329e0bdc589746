"""Files people upload (photos and scans on incident reports, scans of staff credentials): what
is accepted — by the file's first bytes, not its name —, how big, and the name it is stored
under on the private default storage (no public URL; served by views that check the port)."""

from __future__ import annotations

import uuid

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename

MAX_BYTES = 10 * 1024 * 1024
ACCEPTED = "JPEG or PNG photos, PDF scans, or HEIC photos from an iPhone or iPad"
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/pdf": ".pdf",
    "image/heic": ".heic",
}
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
IMAGES = frozenset({"image/jpeg", "image/png"})


def sniff(head: bytes) -> str | None:
    """The content type the file's first bytes show, or ``None`` for anything we do not take."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "image/heic"
    return None


def check_upload(upload: UploadedFile) -> str:
    """The accepted file's content type; ``ValidationError`` saying what is wrong otherwise."""
    name = upload.name or "the file"
    size = upload.size or 0
    if size == 0:
        raise ValidationError(f"“{name}” is empty; nothing was added.")
    if size > MAX_BYTES:
        raise ValidationError(
            f"“{name}” is {size / 1024 / 1024:.1f} MB; files can be at most "
            f"{MAX_BYTES // 1024 // 1024} MB. Nothing was added — take a smaller photo "
            "or scan fewer pages."
        )
    upload.seek(0)
    content_type = sniff(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise ValidationError(
            f"“{name}” is not a photo or scan POE Ops accepts ({ACCEPTED}); nothing was added."
        )
    return content_type


def stored_name(original: str, content_type: str, fallback: str = "attachment") -> str:
    """The file's name on disk: the uploaded name made safe, with the extension its content
    shows (never the one it came with). A name with nothing safe left (".png", "!!!.jpg",
    "؟؟.png") is stored under a generated one; the original name is still what pages show."""
    try:
        stem = get_valid_filename(original.rsplit(".", 1)[0])[:80]
    except SuspiciousFileOperation:  # Django refuses a name that reduces to nothing
        stem = ""
    if not stem.strip("._-"):
        stem = f"{fallback}-{uuid.uuid4().hex[:8]}"
    return f"{stem}{EXTENSIONS[content_type]}"
