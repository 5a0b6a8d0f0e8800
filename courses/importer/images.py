"""The images a course file describes, drawn with Pillow at import time (a colour and a few
lines of text) and stored in the Wagtail image library, so the repository holds no binary
file. An image is identified by its title: drawn and stored the first time only."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.images import ImageFile
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.models import Collection

from courses.importer.schema import ImageSpec

# Scalable fonts with accents and typographic punctuation, looked up in the system font
# directories; Pillow's built-in font is the last resort (it lacks "é" and "—").
FONT_CANDIDATES = {
    True: ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf"),
    False: ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf", "arial.ttf"),
}


def _font(size: int, *, bold: bool) -> Any:
    from PIL import ImageFont

    for name in FONT_CANDIDATES[bold]:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: fixed-size bitmap font
        return ImageFont.load_default()


def _draw_png(spec: ImageSpec) -> bytes:
    """A flat colour card with centred lines of text (the first line large and bold)."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    canvas = PILImage.new("RGB", (spec.width, spec.height), spec.background)
    draw = ImageDraw.Draw(canvas)
    # A thin band in the text colour gives the card a little structure.
    band = max(4, spec.height // 60)
    draw.rectangle([0, spec.height - band * 3, spec.width, spec.height - band * 2], fill=spec.foreground)
    boxes = []
    for index, line in enumerate(spec.shown_lines):
        size = max(18, spec.height // 7) if index == 0 else max(14, spec.height // 14)
        font = _fit(draw, line, _font(size, bold=index == 0), spec.width - 80)
        left, top, right, bottom = draw.textbbox((0, 0), line, font=font)
        boxes.append((line, font, left, top, right - left, bottom - top))
    gap = max(10, spec.height // 20)
    total = sum(box[5] for box in boxes) + gap * (len(boxes) - 1)
    y = (spec.height - total) // 2
    for line, font, left, top, width, height in boxes:
        draw.text(((spec.width - width) // 2 - left, y - top), line, font=font, fill=spec.foreground)
        y += height + gap
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _fit(draw: Any, line: str, font: Any, width: int) -> Any:
    """Shrink a scalable font until ``line`` fits in ``width`` pixels."""
    size = getattr(font, "size", None)
    while size and size > 12 and draw.textlength(line, font=font) > width:
        size -= 2
        font = font.font_variant(size=size)
    return font


def image_ensure(spec: ImageSpec, collection: Collection) -> Any:
    """The library image titled ``spec.title``, drawn and stored the first time only."""
    image_model = get_image_model()
    image = image_model.objects.filter(title=spec.title).order_by("pk").first()
    if image is not None:
        return image
    name = f"{slugify(spec.title)[:80] or 'image'}.png"
    image = image_model(title=spec.title, description=spec.alt, collection=collection)
    image.file = ImageFile(io.BytesIO(_draw_png(spec)), name=name)
    image.save()
    return image


def image_value(spec: ImageSpec, collection: Collection) -> dict[str, Any]:
    image = image_ensure(spec, collection)
    return {"image": image.pk, "alt_text": spec.alt, "decorative": False}
