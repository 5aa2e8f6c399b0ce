"""How fast certificates render, and how large they are.

Renders --count certificates with varied Vietnamese names and course titles, the
same logo and signature on each (as in bulk issuing), on one CPU core, --rounds
times. Prints PDFs per second (median of the rounds) and PDF sizes, then one
JSON line. Targets: at least 80 PDFs/s, at most 60 KB per PDF.

Rates are counted in this process's CPU time, so other work on a shared machine
does not lower them; the wall-clock rate is printed beside them.

    .venv/bin/python bench/certificate_render.py --count 500 --rounds 5
"""

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

import django  # noqa: E402

django.setup()

from django.utils import translation  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from certificates.codes import code_generate  # noqa: E402
from certificates.pdf import CertificateContent, certificate_pdf_render  # noqa: E402

TARGET_PDFS_PER_SECOND = 80
TARGET_MAX_KB = 60

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ"]
SURNAMES += ["Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Y", "H'"]
MIDDLE = ["Thị", "Văn", "Hữu", "Đức", "Ngọc", "Minh", "Thanh", "Quốc", "Thu", ""]
GIVEN = ["Ánh Tuyết", "Phước", "Ẩn", "Hương", "Dũng", "Khoa", "Thảo", "Ngân"]
GIVEN += ["Trọng Nghĩa", "Bảo Ngọc", "Hà", "Yến Nhi", "Kiên", "Niê", "Bình"]
COURSES = [
    "An toàn thông tin và phòng chống lừa đảo trực tuyến",
    "Cài đặt VNeID và định danh điện tử mức 2",
    "Nộp hồ sơ dịch vụ công trực tuyến",
    "Thanh toán không dùng tiền mặt bằng mã QR",
    "Bán hàng trên sàn thương mại điện tử cho hộ kinh doanh",
    "Kỹ năng số cơ bản cho cán bộ, công chức, viên chức cấp xã: văn bản điện "
    "tử, chữ ký số, họp trực tuyến và bảo vệ dữ liệu cá nhân theo Luật 91/2025",
]


def png(width: int, height: int, draw_on) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw_on(ImageDraw.Draw(image), width, height)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def seal(draw: ImageDraw.ImageDraw, width: int, height: int) -> None:
    red = (200, 30, 30, 255)
    draw.ellipse((8, 8, width - 8, height - 8), outline=red, width=14)
    draw.ellipse((60, 60, width - 60, height - 60), outline=red, width=5)
    draw.regular_polygon((width / 2, height / 2, width / 5), 5, fill=red)


def signature(draw: ImageDraw.ImageDraw, width: int, height: int) -> None:
    rng = random.Random(7)
    points = [(x, height / 2 + rng.uniform(-90, 90)) for x in range(40, width, 35)]
    draw.line(points, fill=(20, 40, 150, 255), width=6, joint="curve")


def contents(count: int) -> list[CertificateContent]:
    rng = random.Random(2025)
    logo = png(600, 600, seal)
    signature_image = png(900, 300, signature)
    result = []
    for _ in range(count):
        name = " ".join(
            part
            for part in (
                rng.choice(SURNAMES),
                rng.choice(MIDDLE),
                rng.choice(GIVEN),
            )
            if part
        )
        code = code_generate()
        result.append(
            CertificateContent(
                recipient_name=name,
                course_title=rng.choice(COURSES),
                issued_on=date(2025, 7, 1) + timedelta(days=rng.randrange(365)),
                hours=rng.choice([None, 2, 4, 8, 1.5]),
                issuer_name="Ủy ban nhân dân xã Tân Phú",
                signer_name="Trần Văn Bình",
                signer_title="Chủ tịch",
                title="GIẤY CHỨNG NHẬN",
                body_template=(
                    "Đã hoàn thành khóa học {course}\n"
                    "Thời lượng: {hours} giờ. Hoàn thành ngày {date}."
                ),
                code=code,
                verification_url=f"https://hoc.tanphu.gov.vn/chung-nhan/{code}",
                logo_image=logo,
                signature_image=signature_image,
            )
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    batch = contents(arguments.count)
    translation.activate("vi")
    for data in batch[:20]:
        certificate_pdf_render(data=data)

    rates = []
    wall_rates = []
    sizes: list[int] = []
    for _ in range(arguments.rounds):
        cpu_started, wall_started = time.process_time(), time.perf_counter()
        sizes = [len(certificate_pdf_render(data=data)) for data in batch]
        rates.append(len(batch) / (time.process_time() - cpu_started))
        wall_rates.append(len(batch) / (time.perf_counter() - wall_started))

    figures = {
        "count": arguments.count,
        "rounds": arguments.rounds,
        "pdfs_per_second_median": round(statistics.median(rates), 1),
        "pdfs_per_second_min": round(min(rates), 1),
        "pdfs_per_second_wall_median": round(statistics.median(wall_rates), 1),
        "size_kb_min": round(min(sizes) / 1024, 1),
        "size_kb_median": round(statistics.median(sizes) / 1024, 1),
        "size_kb_max": round(max(sizes) / 1024, 1),
        "target_pdfs_per_second": TARGET_PDFS_PER_SECOND,
        "target_size_kb_max": TARGET_MAX_KB,
    }
    print(f"certificates per round: {arguments.count}, rounds: {arguments.rounds}")
    print(
        "PDFs per CPU second, median of rounds: "
        f"{figures['pdfs_per_second_median']} "
        f"(slowest round {figures['pdfs_per_second_min']}, "
        f"wall clock {figures['pdfs_per_second_wall_median']}; "
        f"target ≥ {TARGET_PDFS_PER_SECOND})"
    )
    print(
        "PDF size KB min/median/max: "
        f"{figures['size_kb_min']}/{figures['size_kb_median']}/"
        f"{figures['size_kb_max']} (target ≤ {TARGET_MAX_KB})"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
