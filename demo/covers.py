"""Course cover images, drawn rather than shipped: a flat colour and a motif."""

import io
import random

from PIL import Image, ImageDraw

MOTIFS = ("identity", "qr", "shield")
WIDTH, HEIGHT = 1280, 720


def cover_png(motif: str, colour: tuple[int, int, int]) -> bytes:
    """A flat 16:9 cover: one colour, a few white shapes, no text.

    Drawn at twice the size and scaled down, because Pillow draws shapes without
    anti-aliasing.
    """
    scale = 2
    image = Image.new("RGB", (WIDTH * scale, HEIGHT * scale), colour)
    draw = ImageDraw.Draw(image)
    white = (255, 255, 255)
    light = tuple(min(255, c + 60) for c in colour)

    def box(x0, y0, x1, y1):
        return [v * scale for v in (x0, y0, x1, y1)]

    draw.ellipse(box(900, -160, 1480, 420), fill=light)
    draw.ellipse(box(-200, 460, 260, 920), fill=light)
    if motif == "identity":
        draw.rounded_rectangle(box(470, 90, 810, 650), radius=48 * scale, fill=white)
        draw.rounded_rectangle(box(500, 150, 780, 560), radius=16 * scale, fill=colour)
        draw.ellipse(box(580, 200, 700, 320), fill=white)
        draw.rounded_rectangle(box(545, 340, 735, 400), radius=30 * scale, fill=white)
        draw.rounded_rectangle(box(545, 430, 735, 460), radius=15 * scale, fill=light)
        draw.rounded_rectangle(box(545, 480, 690, 510), radius=15 * scale, fill=light)
        draw.ellipse(box(610, 585, 670, 625), fill=light)
    elif motif == "qr":
        draw.rounded_rectangle(box(420, 120, 860, 560), radius=36 * scale, fill=white)
        cell = 20
        left, top = 450, 150
        for cx, cy in ((0, 0), (12, 0), (0, 12)):
            x, y = left + cx * cell, top + cy * cell
            draw.rectangle(box(x, y, x + 7 * cell, y + 7 * cell), fill=colour)
            draw.rectangle(
                box(x + cell, y + cell, x + 6 * cell, y + 6 * cell), fill=white
            )
            draw.rectangle(
                box(x + 2 * cell, y + 2 * cell, x + 5 * cell, y + 5 * cell), fill=colour
            )
        pattern = random.Random(2025)
        for row in range(19):
            for col in range(19):
                in_finder = (
                    (row < 8 and col < 8)
                    or (row < 8 and col > 10)
                    or (row > 10 and col < 8)
                )
                if not in_finder and pattern.random() < 0.45:
                    x, y = left + col * cell, top + row * cell
                    draw.rectangle(box(x, y, x + cell, y + cell), fill=colour)
    else:
        shield = [
            (640, 110),
            (860, 190),
            (840, 420),
            (640, 620),
            (440, 420),
            (420, 190),
        ]
        draw.polygon([(x * scale, y * scale) for x, y in shield], fill=white)
        draw.rounded_rectangle(box(560, 330, 720, 470), radius=18 * scale, fill=colour)
        draw.arc(box(585, 265, 695, 395), 180, 360, fill=colour, width=22 * scale)
        draw.ellipse(box(625, 370, 655, 400), fill=white)
        draw.rectangle(box(634, 390, 646, 430), fill=white)
    image = image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
