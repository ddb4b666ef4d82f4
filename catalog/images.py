"""Thumbnails made with Pillow: a few sizes, JPEG, small enough for slow connections."""

import io
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

JPEG_QUALITY = 78


def thumbnail_bytes(source, *, box: int) -> bytes:
    """Return a JPEG no larger than box x box pixels, keeping the aspect ratio."""
    with Image.open(source) as img:
        img = ImageOps.exif_transpose(img)
        if img.mode not in ("RGB", "L"):
            background = Image.new("RGB", img.size, "white")
            img = img.convert("RGBA")
            background.paste(img, mask=img.getchannel("A"))
            img = background
        img.thumbnail((box, box), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        img.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        return out.getvalue()


def thumbnails_create(image_field) -> dict[str, str]:
    """Write one thumbnail per configured size next to the original; return {size_name: storage name}."""
    stem = PurePosixPath(image_field.name).stem
    folder = PurePosixPath(image_field.name).parent
    names = {}
    for size_name, box in settings.SHOP_THUMBNAIL_SIZES.items():
        image_field.open("rb")
        try:
            data = thumbnail_bytes(image_field, box=box)
        finally:
            image_field.close()
        target = str(folder / "thumbs" / f"{stem}-{box}.jpg")
        if default_storage.exists(target):
            default_storage.delete(target)
        names[size_name] = default_storage.save(target, ContentFile(data))
    return names
