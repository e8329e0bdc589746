"""Draws the home-screen icons in static/icons/ (run once; the PNGs are committed):
    .venv/bin/python scripts/make_icons.py
The same plane as static/favicon.svg, with "POE" under it, on the brand blue."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
BRAND, WHITE = "#0b3d6e", "#ffffff"
PLANE = [(6, 19), (26, 12), (23, 18), (15, 20), (10, 25), (9, 21)]  # favicon.svg, 32 units
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def draw(size: int, *, maskable: bool) -> Image.Image:
    image = Image.new("RGB", (size, size), BRAND)
    pen = ImageDraw.Draw(image)
    if not maskable:  # rounded corners on a transparent ground
        image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        pen = ImageDraw.Draw(image)
        pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 6, fill=BRAND)
    # A maskable icon keeps its drawing inside the middle 80% (the launcher's safe zone).
    scale = size / 32 * (0.62 if maskable else 0.8)
    left, top = size * (0.19 if maskable else 0.1), size * (0.08 if maskable else -0.02)
    pen.polygon([(left + x * scale, top + y * scale) for x, y in PLANE], fill=WHITE)
    font = ImageFont.truetype(FONT, int(size * (0.2 if maskable else 0.26)))
    pen.text(
        (size / 2, size * (0.72 if maskable else 0.76)), "POE", font=font, fill=WHITE, anchor="mm"
    )
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    draw(192, maskable=False).save(ICONS / "poe-192.png", optimize=True)
    draw(512, maskable=False).save(ICONS / "poe-512.png", optimize=True)
    draw(512, maskable=True).save(ICONS / "poe-maskable-512.png", optimize=True)
    draw(180, maskable=True).save(ICONS / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
