"""The demo: a home page, a catalogue, three Vietnamese courses and a person per role.

Everything is built through the same services and model APIs the site uses, so the
demo exercises real code paths. Each step looks for what it would create before
creating it: loading the demo again adds nothing and leaves editors' changes alone.
"""

import io
import random
from collections import Counter
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from community_teams.models import Team
from courses.models import CourseIndexPage, CoursePage, HomePage, LessonPage, Topic
from lms import services
from lms.models import Commune, Enrollment, Hamlet, LessonProgress, Province, User
from lms.models.users import Role
from lms.phone import phone_display, phone_to_e164
from lms.places import admin_units_load
from lms.text import slugify_vi

# Printed next to the demo logins; only ever set when the caller asks for it.
DEMO_PASSWORD = "demo-ky-nang-so-2026"

SITE_TITLE = "Kỹ năng số cho mọi người"
HOME_SLUG = "trang-chu"
CATALOGUE_TITLE = "Khoá học"
CATALOGUE_SLUG = "khoa-hoc"

DEMO_PROVINCE_CODE = "79"  # Thành phố Hồ Chí Minh
DEMO_COMMUNE_NAME = "Bến Thành"
DEMO_HAMLET_NAME = "Khu phố 3"
DEMO_TEAM_NAME = "Tổ công nghệ số cộng đồng Khu phố 3"


# ---------------------------------------------------------------------------
# Lesson content
# ---------------------------------------------------------------------------


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _ul(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _text(*parts: str) -> dict:
    return {"type": "text", "value": "".join(parts)}


def _steps(title: str, *steps: str) -> dict:
    return {
        "type": "steps",
        "value": {
            "title": title,
            "steps": [{"text": f"<p>{step}</p>", "screenshot": None} for step in steps],
        },
    }


def _tip(text: str) -> dict:
    return {"type": "callout", "value": {"kind": "tip", "text": f"<p>{text}</p>"}}


def _warning(text: str) -> dict:
    return {"type": "callout", "value": {"kind": "warning", "text": f"<p>{text}</p>"}}


@dataclass(frozen=True)
class LessonSpec:
    title: str
    minutes: int
    body: list[dict]


@dataclass(frozen=True)
class CourseSpec:
    title: str
    summary: str
    topic: str
    minutes: int
    cover: str
    colour: tuple[int, int, int]
    lessons: list[LessonSpec]

    @property
    def slug(self) -> str:
        return slugify_vi(self.title)


PUBLIC_SERVICES_COURSE = CourseSpec(
    title="Dịch vụ công trực tuyến và định danh điện tử VNeID",
    summary=(
        "Cài ứng dụng VNeID, kích hoạt tài khoản định danh điện tử mức 2, đăng nhập "
        "Cổng Dịch vụ công quốc gia để nộp hồ sơ và theo dõi kết quả ngay trên điện "
        "thoại, không phải xếp hàng chờ đợi."
    ),
    topic=Topic.PUBLIC_SERVICES,
    minutes=40,
    cover="identity",
    colour=(11, 92, 173),
    lessons=[
        LessonSpec(
            title="VNeID là gì? Cài đặt ứng dụng trên điện thoại",
            minutes=8,
            body=[
                _text(
                    _p(
                        "VNeID là ứng dụng định danh điện tử chính thức của Bộ Công "
                        "an, dựa trên Cơ sở dữ liệu quốc gia về dân cư. Có thể hiểu "
                        "tài khoản VNeID là “giấy tờ tuỳ thân trên điện thoại”: bạn "
                        "xuất trình thẻ căn cước điện tử, đăng nhập các cổng dịch vụ "
                        "công và làm nhiều thủ tục hành chính mà không phải mang giấy "
                        "tờ bản giấy.",
                        "Tài khoản định danh điện tử có hai mức:",
                    ),
                    _ul(
                        "<b>Mức 1</b>: bạn tự đăng ký trên ứng dụng, dùng được một số "
                        "tiện ích cơ bản.",
                        "<b>Mức 2</b>: đăng ký trực tiếp với cơ quan Công an, có đối "
                        "chiếu ảnh chân dung và vân tay. Tài khoản mức 2 có giá trị "
                        "như thẻ căn cước khi xuất trình và dùng được đầy đủ các dịch "
                        "vụ công trực tuyến.",
                    ),
                    _p(
                        "Bạn cần chuẩn bị: một điện thoại thông minh có Internet (điện "
                        "thoại Android hoặc iPhone), số điện thoại đang dùng và đăng "
                        "ký đúng tên mình (SIM chính chủ), và thẻ căn cước hoặc căn "
                        "cước công dân gắn chíp."
                    ),
                ),
                _steps(
                    "Cài đặt ứng dụng VNeID",
                    "Mở kho ứng dụng có sẵn trên máy: <b>CH Play</b> (điện thoại "
                    "Android) hoặc <b>App Store</b> (iPhone).",
                    "Gõ tìm “VNeID”. Kiểm tra nhà phát triển là <b>Trung tâm dữ liệu "
                    "quốc gia về dân cư</b> thuộc Bộ Công an.",
                    "Bấm <b>Cài đặt</b> (Android) hoặc <b>Nhận</b> (iPhone) và chờ tải "
                    "xong.",
                    "Mở ứng dụng. Khi ứng dụng xin quyền dùng máy ảnh (để chụp ảnh "
                    "chân dung, quét mã QR) và gửi thông báo, bấm <b>Cho phép</b>.",
                ),
                _warning(
                    "Chỉ cài VNeID từ CH Play hoặc App Store. Kẻ gian thường gọi điện "
                    "giả danh công an, gửi đường link qua tin nhắn hay Zalo để bạn "
                    "“cài VNeID”, “cập nhật định danh mức 2”. Đó là ứng dụng giả, dùng "
                    "để chiếm quyền điều khiển điện thoại và rút tiền trong tài khoản "
                    "ngân hàng. Công an không bao giờ hướng dẫn cài ứng dụng qua đường "
                    "link."
                ),
                _tip(
                    "Gặp khó khăn, bạn hãy nhờ Tổ công nghệ số cộng đồng ở thôn, tổ "
                    "dân phố hoặc cán bộ Công an xã, phường hướng dẫn. Việc hướng dẫn "
                    "hoàn toàn miễn phí."
                ),
            ],
        ),
        LessonSpec(
            title="Kích hoạt tài khoản định danh điện tử mức 2",
            minutes=10,
            body=[
                _text(
                    _p(
                        "Tài khoản mức 2 phải đăng ký trực tiếp với Công an, vì cán bộ "
                        "cần đối chiếu khuôn mặt và vân tay của bạn với dữ liệu dân "
                        "cư. Nếu bạn đã đăng ký tài khoản định danh điện tử khi làm "
                        "thẻ căn cước, bạn chỉ cần kích hoạt trên ứng dụng theo các "
                        "bước ở phần sau."
                    ),
                    "<h2>Đăng ký tại Công an</h2>",
                    _p(
                        "Mang theo thẻ căn cước (hoặc căn cước công dân gắn chíp) và "
                        "điện thoại có SIM chính chủ, đến Công an xã, phường nơi bạn ở "
                        "hoặc nơi làm thủ tục cấp thẻ căn cước. Cán bộ sẽ:"
                    ),
                    _ul(
                        "hỏi số điện thoại và địa chỉ thư điện tử (nếu có) để gắn với "
                        "tài khoản;",
                        "chụp ảnh chân dung và lấy vân tay của bạn để đối chiếu;",
                        "đề nghị bạn kiểm tra lại thông tin trước khi ký xác nhận.",
                    ),
                    _p(
                        "Khi hồ sơ được duyệt, bạn sẽ nhận tin nhắn SMS báo tài khoản "
                        "đã được cấp. Hãy để ý tin nhắn trong những ngày sau đó. Đăng "
                        "ký định danh điện tử không mất phí."
                    ),
                ),
                _steps(
                    "Kích hoạt trên ứng dụng VNeID",
                    "Mở ứng dụng VNeID, chọn <b>Kích hoạt tài khoản định danh điện "
                    "tử</b>.",
                    "Nhập <b>số định danh cá nhân</b> (12 số in trên thẻ căn cước) và "
                    "số điện thoại đã đăng ký với Công an, rồi bấm <b>Gửi yêu cầu</b>.",
                    "Nhập <b>mã kích hoạt</b> được gửi qua tin nhắn SMS đến điện thoại "
                    "của bạn.",
                    "Đặt <b>mật khẩu</b> theo hướng dẫn trên màn hình (có chữ hoa, chữ "
                    "thường, chữ số và ký tự đặc biệt), sau đó đặt <b>mã passcode</b> "
                    "gồm 6 chữ số.",
                    "Kích hoạt xong, mục <b>Ví giấy tờ</b> sẽ hiện thẻ căn cước điện "
                    "tử của bạn. Từ nay, bạn đăng nhập bằng số định danh cá nhân và "
                    "mật khẩu vừa đặt.",
                ),
                _tip(
                    "Ghi mật khẩu và passcode ra một cuốn sổ, cất ở nơi kín đáo trong "
                    "nhà. Đừng chụp ảnh hay lưu chúng trong tin nhắn trên điện thoại."
                ),
                _warning(
                    "Không ai được hỏi mật khẩu, passcode hay mã kích hoạt của bạn, kể "
                    "cả người xưng là công an. Cán bộ thật chỉ hướng dẫn để bạn tự "
                    "nhập trên máy của mình."
                ),
            ],
        ),
        LessonSpec(
            title="Đăng nhập Cổng Dịch vụ công quốc gia",
            minutes=8,
            body=[
                _text(
                    _p(
                        "Cổng Dịch vụ công quốc gia, địa chỉ <b>dichvucong.gov.vn</b>, "
                        "là nơi nộp hồ sơ trực tuyến cho hàng nghìn thủ tục: đăng ký "
                        "khai sinh, đăng ký thường trú, cấp phiếu lý lịch tư pháp, đổi "
                        "giấy phép lái xe và nhiều thủ tục khác. Bạn dùng chính tài "
                        "khoản VNeID để đăng nhập, không phải tạo tài khoản mới.",
                        "Hãy kiểm tra thật kỹ địa chỉ trang web. Trang của cơ quan nhà "
                        "nước luôn kết thúc bằng <b>.gov.vn</b>. Những địa chỉ như "
                        "“dichvucong-gov.com” hay “dichvucong.vn-online.net” đều là "
                        "trang giả.",
                    ),
                ),
                _steps(
                    "Đăng nhập bằng tài khoản VNeID",
                    "Mở trình duyệt (Chrome, Cốc Cốc, Safari...) và gõ "
                    "<b>dichvucong.gov.vn</b>.",
                    "Bấm <b>Đăng nhập</b> ở phía trên màn hình.",
                    "Chọn đăng nhập bằng <b>tài khoản định danh điện tử</b> do Bộ Công "
                    "an cấp (VNeID).",
                    "Nhập số định danh cá nhân và mật khẩu VNeID. Nếu bạn đang dùng "
                    "máy tính, có thể chọn cách quét mã QR: mở ứng dụng VNeID trên "
                    "điện thoại, bấm biểu tượng quét mã và quét mã trên màn hình máy "
                    "tính.",
                    "Xác nhận đăng nhập theo hướng dẫn trên màn hình: nhập mã xác thực "
                    "gửi về điện thoại hoặc đồng ý trên ứng dụng VNeID.",
                ),
                _tip(
                    "Trên điện thoại, nhiều thủ tục làm được ngay trong ứng dụng "
                    "VNeID, ở mục <b>Thủ tục hành chính</b>: ví dụ thông báo lưu trú, "
                    "đăng ký tạm trú hay đề nghị cấp phiếu lý lịch tư pháp."
                ),
                _warning(
                    "Chỉ xác nhận đăng nhập khi chính bạn vừa đăng nhập. Nếu VNeID báo "
                    "có yêu cầu đăng nhập mà bạn không làm, hãy từ chối và đổi mật "
                    "khẩu ngay."
                ),
            ],
        ),
        LessonSpec(
            title="Nộp hồ sơ trực tuyến và theo dõi kết quả",
            minutes=14,
            body=[
                _text(
                    _p(
                        "Các bước dưới đây giống nhau với hầu hết thủ tục. Trước khi "
                        "nộp, hãy chuẩn bị ảnh chụp rõ nét hoặc bản quét các giấy tờ "
                        "mà thủ tục yêu cầu: chụp trên mặt bàn phẳng, đủ ánh sáng, "
                        "thấy rõ bốn góc giấy và không bị lóa."
                    ),
                ),
                _steps(
                    "Nộp một hồ sơ",
                    "Đăng nhập Cổng Dịch vụ công quốc gia. Gõ tên thủ tục vào ô tìm "
                    "kiếm, ví dụ “đăng ký khai sinh”.",
                    "Chọn đúng thủ tục, rồi chọn tỉnh, thành phố và xã, phường nơi bạn "
                    "ở để hồ sơ được chuyển đến đúng cơ quan giải quyết.",
                    "Đọc phần hướng dẫn: thủ tục cần những giấy tờ gì, giải quyết "
                    "trong bao lâu, có mất phí hay lệ phí không.",
                    "Điền tờ khai. Nhiều thông tin như họ tên, ngày sinh, nơi cư trú "
                    "được tự điền từ dữ liệu dân cư; bạn chỉ cần kiểm tra lại.",
                    "Đính kèm ảnh hoặc bản quét giấy tờ vào đúng từng mục.",
                    "Chọn cách nhận kết quả: nhận trực tiếp, nhận qua bưu điện hoặc "
                    "nhận bản điện tử nếu thủ tục cho phép.",
                    "Nếu có phí, lệ phí, chọn thanh toán trực tuyến bằng ngân hàng "
                    "hoặc ví điện tử của bạn.",
                    "Kiểm tra lại toàn bộ rồi bấm <b>Nộp hồ sơ</b>. Ghi lại <b>mã hồ "
                    "sơ</b> hiện trên màn hình.",
                ),
                _text(
                    "<h2>Theo dõi hồ sơ</h2>",
                    _p(
                        "Sau khi bạn nộp, cơ quan giải quyết sẽ tiếp nhận và xử lý. "
                        "Bạn theo dõi bằng một trong các cách sau:"
                    ),
                    _ul(
                        "Đăng nhập Cổng Dịch vụ công quốc gia, mở mục quản lý hồ sơ "
                        "của tài khoản để xem các hồ sơ đã nộp và trạng thái của từng "
                        "hồ sơ.",
                        "Dùng chức năng tra cứu hồ sơ và nhập mã hồ sơ đã ghi lại.",
                        "Đọc tin nhắn SMS hoặc thư điện tử mà hệ thống gửi mỗi khi hồ "
                        "sơ có thay đổi.",
                    ),
                    _p(
                        "Nếu cơ quan yêu cầu <b>bổ sung hồ sơ</b>, hãy đọc kỹ lý do, "
                        "chụp thêm giấy tờ còn thiếu và gửi lại trong thời hạn được "
                        "nêu. Khi có kết quả, bạn nhận theo cách đã chọn lúc nộp."
                    ),
                ),
                _tip(
                    "Chưa rõ nên chọn thủ tục nào? Hãy hỏi cán bộ Trung tâm phục vụ "
                    "hành chính công của xã, phường hoặc Tổ công nghệ số cộng đồng."
                ),
                _warning(
                    "Cơ quan nhà nước không gọi điện yêu cầu bạn chuyển tiền vào tài "
                    "khoản cá nhân để “giải quyết hồ sơ nhanh hơn”. Phí, lệ phí chỉ "
                    "nộp qua chức năng thanh toán của Cổng Dịch vụ công hoặc tại nơi "
                    "tiếp nhận hồ sơ."
                ),
            ],
        ),
    ],
)

CASHLESS_COURSE = CourseSpec(
    title="Thanh toán không dùng tiền mặt an toàn",
    summary=(
        "Mở tài khoản thanh toán, trả tiền bằng mã QR, chuyển khoản đúng người nhận và "
        "giữ an toàn cho tiền của bạn: không bao giờ đưa mã OTP cho ai, nhận biết các "
        "chiêu lừa đảo thường gặp."
    ),
    topic=Topic.CASHLESS,
    minutes=35,
    cover="qr",
    colour=(19, 108, 46),
    lessons=[
        LessonSpec(
            title="Tài khoản ngân hàng, ví điện tử và ứng dụng ngân hàng",
            minutes=8,
            body=[
                _text(
                    _p(
                        "Thanh toán không dùng tiền mặt là trả và nhận tiền qua điện "
                        "thoại thay vì tiền giấy: trả tiền chợ, tiền điện, tiền nước, "
                        "học phí cho con, nhận lương hay tiền trợ cấp. Bạn không phải "
                        "mang nhiều tiền trong người, không lo thiếu tiền lẻ, và mọi "
                        "khoản thu chi đều được ghi lại.",
                        "Có ba cách phổ biến:",
                    ),
                    _ul(
                        "<b>Ứng dụng ngân hàng</b> (ngân hàng số): mỗi ngân hàng có "
                        "ứng dụng riêng, dùng tiền trong tài khoản ngân hàng của bạn.",
                        "<b>Ví điện tử</b> như MoMo, ZaloPay, VNPT Money, Viettel "
                        "Money: ví phải liên kết với tài khoản ngân hàng đứng tên "
                        "chính bạn để nạp và rút tiền.",
                        "<b>Mobile Money</b>: tài khoản gắn với số điện thoại di động, "
                        "dùng được cả ở nơi chưa có ngân hàng, phù hợp với các khoản "
                        "chi nhỏ.",
                    ),
                    _p(
                        "Ngày nay bạn có thể mở tài khoản ngân hàng ngay trên điện "
                        "thoại bằng thẻ căn cước gắn chíp và xác thực khuôn mặt, hoặc "
                        "đến phòng giao dịch của ngân hàng gần nhà để được hướng dẫn."
                    ),
                ),
                _steps(
                    "Mở tài khoản ngân hàng trên điện thoại",
                    "Tải ứng dụng của ngân hàng bạn chọn từ CH Play hoặc App Store. "
                    "Kiểm tra nhà phát triển đúng là ngân hàng đó.",
                    "Chọn <b>Mở tài khoản</b>, nhập số điện thoại chính chủ và mã OTP "
                    "ngân hàng gửi đến.",
                    "Chụp hai mặt thẻ căn cước. Nếu ứng dụng yêu cầu, đặt thẻ sát mặt "
                    "sau điện thoại để máy đọc chíp.",
                    "Nhìn vào màn hình và làm theo hướng dẫn để xác thực khuôn mặt.",
                    "Đặt mật khẩu đăng nhập và ghi lại số tài khoản ngân hàng cấp cho "
                    "bạn.",
                ),
                _tip(
                    "Khi chuyển khoản trên 10 triệu đồng một lần, hoặc tổng số tiền "
                    "chuyển trong ngày trên 20 triệu đồng, ứng dụng sẽ yêu cầu xác "
                    "thực khuôn mặt. Đây là quy định của Ngân hàng Nhà nước, giúp kẻ "
                    "gian khó lấy tiền của bạn dù có biết mật khẩu."
                ),
            ],
        ),
        LessonSpec(
            title="Trả tiền bằng mã QR",
            minutes=8,
            body=[
                _text(
                    _p(
                        "Mã QR là ô vuông gồm nhiều chấm đen trắng, dán ở quầy hàng, "
                        "in trên hoá đơn hoặc hiện trên màn hình. Trong mã có sẵn số "
                        "tài khoản của người bán, đôi khi có cả số tiền. Bạn chỉ cần "
                        "dùng ứng dụng ngân hàng hoặc ví điện tử quét mã, không phải "
                        "gõ số tài khoản.",
                        "Hầu hết ứng dụng ngân hàng và ví điện tử ở Việt Nam quét được "
                        "mã <b>VietQR</b> của mọi ngân hàng, nên người mua dùng ngân "
                        "hàng nào cũng trả được tiền.",
                    ),
                ),
                _steps(
                    "Trả tiền bằng mã QR",
                    "Mở ứng dụng ngân hàng hoặc ví điện tử, bấm biểu tượng <b>Quét "
                    "QR</b>.",
                    "Đưa máy ảnh vào mã QR, giữ yên cho đến khi ứng dụng nhận ra mã.",
                    "<b>Đọc tên người nhận</b> hiện trên màn hình. Tên phải đúng là "
                    "cửa hàng hoặc người bán mà bạn đang trả tiền.",
                    "Nhập số tiền (nếu chưa có sẵn) và nội dung ngắn, ví dụ “tiền "
                    "rau”.",
                    "Bấm xác nhận, rồi xác thực bằng mã PIN, vân tay, khuôn mặt hoặc "
                    "mã OTP theo yêu cầu của ứng dụng.",
                    "Chờ màn hình báo <b>giao dịch thành công</b> rồi đưa người bán "
                    "xem, hoặc đợi loa của cửa hàng đọc số tiền đã nhận.",
                ),
                _warning(
                    "Kẻ gian có thể dán đè mã QR giả lên mã của cửa hàng. Vì vậy hãy "
                    "luôn đọc tên người nhận trước khi xác nhận. Nếu tên khác với tên "
                    "cửa hàng, đừng trả tiền và báo ngay cho người bán."
                ),
                _tip(
                    "Khi bạn là người bán, đừng tin ảnh chụp màn hình “đã chuyển "
                    "khoản” của người mua. Hãy xem tiền đã vào tài khoản trên chính "
                    "ứng dụng của bạn, hoặc nghe loa thông báo."
                ),
            ],
        ),
        LessonSpec(
            title="Chuyển khoản đúng người, giữ bí mật mã OTP",
            minutes=9,
            body=[
                _text(
                    _p(
                        "Tiền chuyển khoản đến tài khoản người nhận chỉ trong vài giây "
                        "và rất khó lấy lại nếu chuyển nhầm. Vì vậy, trước khi bấm xác "
                        "nhận, hãy kiểm tra thật kỹ người nhận."
                    ),
                ),
                _steps(
                    "Chuyển khoản cho người khác",
                    "Mở ứng dụng ngân hàng, chọn <b>Chuyển tiền</b>.",
                    "Chọn ngân hàng của người nhận và nhập số tài khoản, hoặc quét mã "
                    "QR của họ.",
                    "Ứng dụng sẽ hiện <b>tên chủ tài khoản</b>. Đọc kỹ: có đúng người "
                    "bạn muốn chuyển không? Nếu là tên lạ, dừng lại.",
                    "Nhập số tiền và nội dung rõ ràng, ví dụ “Nguyen Van An tra tien "
                    "hoc thang 9”.",
                    "Xem lại màn hình xác nhận rồi xác thực giao dịch. Chụp lại màn "
                    "hình giao dịch thành công để làm biên lai.",
                ),
                _text(
                    "<h2>Mã OTP là gì?</h2>",
                    _p(
                        "OTP là mã dùng một lần, thường gồm 6 chữ số, được ngân hàng "
                        "gửi qua tin nhắn hoặc hiện trong ứng dụng để xác nhận đúng "
                        "bạn đang giao dịch. Ai có mã OTP của bạn thì có thể lấy tiền "
                        "của bạn."
                    ),
                    _ul(
                        "Không đọc mã OTP cho bất kỳ ai qua điện thoại, tin nhắn, Zalo "
                        "hay Facebook, kể cả người xưng là nhân viên ngân hàng, công "
                        "an hay người thân.",
                        "Đọc kỹ tin nhắn chứa mã: nếu mã dùng cho một giao dịch bạn "
                        "không làm, đừng nhập mã ở đâu cả và gọi ngay cho ngân hàng.",
                        "Không cho người lạ mượn điện thoại có ứng dụng ngân hàng, "
                        "không cài phần mềm điều khiển máy từ xa theo lời người lạ.",
                    ),
                ),
                _warning(
                    "Ngân hàng không bao giờ gọi điện hay nhắn tin hỏi mã OTP, mật "
                    "khẩu, hoặc yêu cầu bạn bấm vào đường link để “cập nhật thông "
                    "tin”. Ai hỏi những điều này đều là kẻ lừa đảo."
                ),
                _tip(
                    "Lưu số tổng đài chăm sóc khách hàng của ngân hàng (in ở mặt sau "
                    "thẻ hoặc trên trang web chính thức của ngân hàng) vào danh bạ, để "
                    "gọi ngay khi thấy điều bất thường."
                ),
            ],
        ),
        LessonSpec(
            title="Nhận biết các chiêu lừa đảo khi thanh toán",
            minutes=10,
            body=[
                _text(
                    _p(
                        "Kẻ lừa đảo thường tạo ra tình huống gấp gáp, đáng sợ hoặc quá "
                        "hấp dẫn để bạn không kịp suy nghĩ. Dưới đây là những chiêu "
                        "hay gặp:"
                    ),
                    _ul(
                        "<b>“Chuyển nhầm tiền”</b>: bạn nhận một khoản tiền lạ, sau đó "
                        "có người gọi nhờ chuyển trả, hoặc xưng là nhân viên công ty "
                        "tài chính đòi trả kèm tiền lãi. Đừng tự chuyển lại; hãy báo "
                        "ngân hàng của bạn để ngân hàng hoàn trả theo đúng quy trình.",
                        "<b>Giả người giao hàng</b>: gọi báo có đơn hàng, gửi đường "
                        "link để bạn “trả phí giao hàng” hoặc “nhận hoàn tiền”. Đường "
                        "link dẫn đến trang giả để lấy thông tin thẻ và mã OTP.",
                        "<b>Trúng thưởng, quà tặng</b>: báo bạn trúng xe máy, điện "
                        "thoại, chỉ cần nộp trước “phí nhận thưởng”.",
                        "<b>Việc nhẹ lương cao</b>: mời làm “cộng tác viên” thả tim, "
                        "đánh giá sản phẩm; vài lần đầu trả tiền thật, sau đó đòi nạp "
                        "số tiền lớn hơn để được “rút thưởng”.",
                        "<b>Giả người thân</b>: tài khoản Zalo, Facebook của người "
                        "quen bị chiếm rồi nhắn vay tiền gấp, có khi còn gọi video rất "
                        "ngắn bằng hình ảnh giả.",
                    ),
                    _p(
                        "Mỗi khi có người đòi tiền gấp, hãy dừng lại. Gọi trực tiếp "
                        "cho người thân bằng số điện thoại bạn vẫn dùng, hoặc hỏi ý "
                        "kiến người trong gia đình trước khi chuyển."
                    ),
                ),
                _steps(
                    "Khi lỡ chuyển tiền cho kẻ lừa đảo",
                    "Gọi ngay tổng đài ngân hàng hoặc ví điện tử của bạn, đề nghị tạm "
                    "khoá tài khoản và tra soát giao dịch.",
                    "Đổi mật khẩu ứng dụng ngân hàng nếu bạn đã lỡ nhập mật khẩu ở một "
                    "trang lạ.",
                    "Chụp lại tin nhắn, lịch sử cuộc gọi và số tài khoản đã nhận tiền.",
                    "Đến Công an xã, phường gần nhất để trình báo, mang theo những "
                    "bằng chứng đó.",
                ),
                _warning(
                    "Người nhận “lấy lại tiền bị lừa” để đổi lấy phí dịch vụ cũng "
                    "thường là kẻ lừa đảo. Chỉ làm việc với ngân hàng và cơ quan Công "
                    "an."
                ),
            ],
        ),
    ],
)

DATA_PROTECTION_COURSE = CourseSpec(
    title="Bảo vệ dữ liệu cá nhân và an toàn trên mạng",
    summary=(
        "Biết những thông tin nào của bạn cần giữ kín theo Luật Bảo vệ dữ liệu cá "
        "nhân, đặt mật khẩu mạnh, nhận ra đường link và cuộc gọi giả danh công an, "
        "ngân hàng, và biết phải làm gì khi bị lừa."
    ),
    topic=Topic.DATA_PROTECTION,
    minutes=45,
    cover="shield",
    colour=(91, 42, 134),
    lessons=[
        LessonSpec(
            title="Dữ liệu cá nhân của bạn là gì?",
            minutes=9,
            body=[
                _text(
                    _p(
                        "Dữ liệu cá nhân là những thông tin gắn với một người cụ thể "
                        "hoặc giúp nhận ra người đó. Luật Bảo vệ dữ liệu cá nhân (Luật "
                        "số 91/2025/QH15, có hiệu lực từ ngày 01/01/2026) chia dữ liệu "
                        "cá nhân thành hai loại:"
                    ),
                    _ul(
                        "<b>Dữ liệu cá nhân cơ bản</b>: họ tên, ngày sinh, giới tính, "
                        "số điện thoại, địa chỉ nơi ở, số định danh cá nhân, quan hệ "
                        "gia đình...",
                        "<b>Dữ liệu cá nhân nhạy cảm</b>: tình trạng sức khoẻ, tài "
                        "khoản ngân hàng và các giao dịch tài chính, vị trí của bạn, "
                        "dữ liệu sinh trắc học như vân tay và khuôn mặt... Lộ những dữ "
                        "liệu này có thể gây thiệt hại lớn, nên chúng được bảo vệ chặt "
                        "chẽ hơn.",
                    ),
                    "<h2>Quyền của bạn</h2>",
                    _p("Theo luật, bạn có quyền:"),
                    _ul(
                        "được biết ai thu thập dữ liệu của mình và để làm gì;",
                        "đồng ý hoặc không đồng ý, và rút lại sự đồng ý đã cho;",
                        "xem, yêu cầu sửa hoặc xoá dữ liệu của mình;",
                        "yêu cầu hạn chế xử lý, phản đối việc dùng dữ liệu của mình để "
                        "quảng cáo;",
                        "khiếu nại, tố cáo và yêu cầu bồi thường khi bị xâm phạm.",
                    ),
                    _p(
                        "Sự đồng ý phải rõ ràng: ô “Tôi đồng ý” không được đánh dấu "
                        "sẵn, và im lặng không có nghĩa là đồng ý. Luật cũng nghiêm "
                        "cấm việc mua, bán dữ liệu cá nhân trái phép."
                    ),
                ),
                _steps(
                    "Xem lại ai đang giữ thông tin của bạn",
                    "Mở danh sách ứng dụng trên điện thoại, xem những ứng dụng nào bạn "
                    "đã đăng ký bằng số điện thoại hoặc thẻ căn cước.",
                    "Với ứng dụng không còn dùng, vào phần cài đặt tài khoản trong ứng "
                    "dụng để yêu cầu xoá tài khoản (nếu có), rồi mới gỡ ứng dụng.",
                    "Khi cửa hàng hay ứng dụng xin chụp thẻ căn cước, hãy hỏi: để làm "
                    "gì, lưu trong bao lâu? Nếu không thật cần, bạn có quyền từ chối.",
                    "Muốn xem, sửa hoặc xoá dữ liệu của mình mà một tổ chức đang giữ, "
                    "hãy gửi yêu cầu qua kênh liên hệ chính thức của tổ chức đó và ghi "
                    "lại ngày gửi.",
                ),
                _tip(
                    "Trước khi điền thông tin vào một tờ khai, ứng dụng hay phiếu khảo "
                    "sát, hãy tự hỏi: họ cần thông tin này để làm gì? Mục nào không "
                    "bắt buộc thì bạn không cần điền."
                ),
                _warning(
                    "Đừng đăng lên mạng xã hội ảnh thẻ căn cước, vé máy bay, hoá đơn "
                    "có mã vạch, hay ảnh con cháu kèm tên trường, tên lớp. Kẻ gian "
                    "dùng những thông tin đó để mạo danh bạn hoặc lừa người thân của "
                    "bạn."
                ),
            ],
        ),
        LessonSpec(
            title="Mật khẩu mạnh và xác thực hai bước",
            minutes=8,
            body=[
                _text(
                    _p(
                        "Mật khẩu là chìa khoá mở các tài khoản của bạn: Zalo, "
                        "Facebook, thư điện tử, ngân hàng, VNeID. Một mật khẩu dễ đoán "
                        "như ngày sinh, số điện thoại hay “123456” có thể bị dò ra chỉ "
                        "trong vài giây."
                    ),
                ),
                _steps(
                    "Tạo một mật khẩu mạnh",
                    "Chọn ba, bốn từ không liên quan đến nhau, nối bằng dấu gạch và "
                    "thêm một con số, ví dụ <i>Xoai-Thuyen-Mua7-Den</i> (đừng dùng "
                    "đúng ví dụ này). Mật khẩu nên dài ít nhất 12 ký tự.",
                    "Mỗi tài khoản quan trọng dùng một mật khẩu riêng. Nếu một nơi bị "
                    "lộ, các tài khoản khác vẫn an toàn.",
                    "Không dùng ngày sinh, số điện thoại, tên con hay biển số xe.",
                    "Ghi mật khẩu vào sổ và cất kỹ ở nhà, hoặc dùng trình quản lý mật "
                    "khẩu có sẵn trên điện thoại. Không lưu mật khẩu trong tin nhắn "
                    "hay ảnh chụp.",
                ),
                _text(
                    "<h2>Xác thực hai bước và mã OTP</h2>",
                    _p(
                        "Xác thực hai bước nghĩa là khi đăng nhập trên một máy lạ, "
                        "ngoài mật khẩu còn cần thêm một mã gửi đến điện thoại của "
                        "bạn. Kẻ gian dù biết mật khẩu cũng không vào được. Hãy bật "
                        "tính năng này trong phần cài đặt bảo mật của Facebook, Gmail "
                        "và các ứng dụng khác có hỗ trợ.",
                        "Mã OTP gửi đến bạn chỉ để bạn tự nhập. Ai hỏi xin mã OTP là "
                        "đang tìm cách chiếm tài khoản của bạn.",
                    ),
                ),
                _tip(
                    "Dùng SIM chính chủ và giữ số điện thoại lâu dài. Khi đổi số, hãy "
                    "cập nhật số mới với ngân hàng và các tài khoản quan trọng trước "
                    "khi bỏ số cũ."
                ),
                _warning(
                    "Nhận được mã OTP mà bạn không hề đăng nhập hay giao dịch nghĩa là "
                    "có người đang thử vào tài khoản của bạn. Đừng đưa mã cho ai và "
                    "đổi mật khẩu ngay."
                ),
            ],
        ),
        LessonSpec(
            title="Nhận biết đường link và cuộc gọi giả danh",
            minutes=10,
            body=[
                _text(
                    "<h2>Cuộc gọi giả danh công an, ngân hàng</h2>",
                    _p(
                        "Kẻ gian gọi điện xưng là công an, viện kiểm sát, toà án, nói "
                        "bạn liên quan đến một vụ án; hoặc xưng là nhân viên ngân "
                        "hàng, điện lực, bảo hiểm xã hội. Chúng đọc đúng họ tên, địa "
                        "chỉ của bạn để tạo lòng tin, rồi yêu cầu:"
                    ),
                    _ul(
                        "chuyển tiền vào “tài khoản tạm giữ” để “chứng minh trong "
                        "sạch”;",
                        "cài ứng dụng qua đường link để “cập nhật định danh mức 2”, "
                        "“đồng bộ dữ liệu căn cước”;",
                        "đọc mã OTP, mật khẩu, hoặc quét khuôn mặt trên một ứng dụng "
                        "lạ.",
                    ),
                    _p(
                        "Hãy nhớ: <b>Công an làm việc bằng giấy mời, giấy triệu tập; "
                        "không giải quyết vụ việc qua điện thoại và không bao giờ yêu "
                        "cầu chuyển tiền.</b> Ngân hàng, điện lực, bảo hiểm xã hội "
                        "cũng không yêu cầu bạn cài ứng dụng từ đường link. Hãy cúp "
                        "máy, rồi tự gọi lại số tổng đài chính thức hoặc đến tận nơi "
                        "để hỏi."
                    ),
                    "<h2>Đường link lừa đảo</h2>",
                    _p(
                        "Đường link giả thường đến qua tin nhắn, Zalo, Facebook hoặc "
                        "thư điện tử, kèm lời hối thúc: “tài khoản sắp bị khoá”, “bạn "
                        "được hoàn tiền”, “nhận quà trong hôm nay”. Trước khi bấm, hãy "
                        "xem kỹ địa chỉ:"
                    ),
                    _ul(
                        "Trang của cơ quan nhà nước kết thúc bằng <b>.gov.vn</b>. Địa "
                        "chỉ có chữ “gov” nằm ở chỗ khác, như “gov-vn.com”, là giả.",
                        "Kẻ gian thay chữ rất khéo, ví dụ “vietcombank” thành "
                        "“vietcornbank”, hoặc thêm chữ như “-hotro”, “-xacminh”.",
                        "Không bao giờ cài tệp có đuôi <b>.apk</b> được gửi qua tin "
                        "nhắn hay đường link: đó thường là phần mềm độc hại chiếm "
                        "quyền điều khiển điện thoại.",
                    ),
                ),
                _warning(
                    "Tin nhắn mang tên ngân hàng vẫn có thể là giả, vì kẻ gian dùng "
                    "trạm phát sóng giả để gửi. Dù tin nhắn hiện tên ngân hàng, đừng "
                    "bấm vào đường link trong đó; hãy mở thẳng ứng dụng ngân hàng."
                ),
                _steps(
                    "Khi nhận cuộc gọi hay tin nhắn đáng ngờ",
                    "Không làm theo ngay, dù người kia hối thúc hay đe doạ.",
                    "Cúp máy, không trả lời tin nhắn và không bấm vào đường link.",
                    "Tự tìm số điện thoại chính thức của cơ quan hoặc ngân hàng và gọi "
                    "lại để hỏi.",
                    "Kể cho người thân hoặc Tổ công nghệ số cộng đồng biết để mọi "
                    "người cùng cảnh giác.",
                ),
            ],
        ),
        LessonSpec(
            title="Cài đặt quyền riêng tư trên điện thoại và mạng xã hội",
            minutes=8,
            body=[
                _text(
                    _p(
                        "Điện thoại biết rất nhiều về bạn: danh bạ, ảnh, vị trí, tin "
                        "nhắn. Mỗi ứng dụng chỉ nên được dùng những gì nó thật sự cần."
                    ),
                ),
                _steps(
                    "Kiểm tra quyền của ứng dụng trên điện thoại Android",
                    "Mở <b>Cài đặt</b>, chọn <b>Ứng dụng</b>.",
                    "Chọn từng ứng dụng, bấm <b>Quyền</b>.",
                    "Tắt những quyền không cần: ví dụ ứng dụng đèn pin không cần đọc "
                    "danh bạ hay tin nhắn.",
                    "Với quyền vị trí, chọn <b>Chỉ cho phép khi dùng ứng dụng</b>.",
                    "Gỡ những ứng dụng bạn không dùng nữa hoặc không rõ nguồn gốc.",
                ),
                _text(
                    _p(
                        "Trên iPhone, vào <b>Cài đặt</b>, chọn <b>Quyền riêng tư &amp; "
                        "Bảo mật</b> để xem ứng dụng nào được dùng vị trí, danh bạ, "
                        "ảnh, micrô và máy ảnh."
                    ),
                    "<h2>Trên Facebook và Zalo</h2>",
                    _ul(
                        "Chọn chế độ chỉ <b>bạn bè</b> xem được bài đăng, thay vì công "
                        "khai.",
                        "Ẩn số điện thoại và ngày sinh trên trang cá nhân.",
                        "Trong phần cài đặt quyền riêng tư của Zalo, chọn ai được xem "
                        "nhật ký và có cho người lạ tìm thấy bạn qua số điện thoại hay "
                        "không.",
                        "Chỉ nhận kết bạn với người bạn thật sự quen biết.",
                    ),
                ),
                _tip(
                    "Cập nhật hệ điều hành và ứng dụng khi có bản mới: bản cập nhật vá "
                    "những lỗ hổng mà kẻ gian lợi dụng."
                ),
                _warning(
                    "Không cho người lạ mượn điện thoại “để gọi nhờ”, và không cài ứng "
                    "dụng chia sẻ màn hình hay điều khiển từ xa theo hướng dẫn của "
                    "người lạ."
                ),
            ],
        ),
        LessonSpec(
            title="Bị lừa đảo hoặc lộ thông tin: làm gì ngay?",
            minutes=10,
            body=[
                _text(
                    _p(
                        "Ai cũng có thể bị lừa, kể cả người rất cẩn thận. Điều quan "
                        "trọng là hành động nhanh: báo càng sớm, càng có nhiều cơ hội "
                        "giữ lại tiền và ngăn kẻ gian tiếp tục."
                    ),
                ),
                _steps(
                    "Làm ngay trong những phút đầu",
                    "Nếu bạn đã cài ứng dụng lạ hoặc để người khác điều khiển máy, tắt "
                    "Wi-Fi và dữ liệu di động của điện thoại đó.",
                    "Gọi tổng đài ngân hàng, ví điện tử để khoá tài khoản, khoá thẻ và "
                    "đề nghị tra soát các giao dịch đáng ngờ.",
                    "Dùng một điện thoại khác an toàn để đổi mật khẩu thư điện tử, "
                    "Zalo, Facebook, ngân hàng, và đăng xuất khỏi các thiết bị lạ.",
                    "Báo cho người thân, bạn bè rằng tài khoản của bạn có thể bị mạo "
                    "danh, để họ không chuyển tiền theo tin nhắn giả.",
                    "Trình báo với Công an xã, phường gần nhất. Mang theo ảnh chụp tin "
                    "nhắn, số điện thoại, đường link và số tài khoản đã nhận tiền.",
                ),
                _text(
                    "<h2>Báo cáo để bảo vệ người khác</h2>",
                    _ul(
                        "Báo cáo trang web, đường link lừa đảo tại cổng cảnh báo an "
                        "toàn thông tin <b>canhbao.khonggianmang.gov.vn</b>.",
                        "Phản ánh tin nhắn rác, cuộc gọi lừa đảo tới đầu số "
                        "<b>5656</b>.",
                        "Nếu nghi ngờ một tổ chức làm lộ hoặc bán dữ liệu cá nhân của "
                        "bạn, bạn có quyền khiếu nại với chính tổ chức đó và phản ánh "
                        "với cơ quan Công an.",
                    ),
                ),
                _tip(
                    "Đừng ngại kể lại chuyện mình bị lừa: câu chuyện của bạn giúp hàng "
                    "xóm và người thân tránh được chiêu lừa tương tự."
                ),
                _warning(
                    "Cẩn thận với những người trên mạng hứa “lấy lại tiền bị lừa” và "
                    "đòi phí trước: đó thường là lần lừa đảo thứ hai."
                ),
            ],
        ),
    ],
)

COURSES = [PUBLIC_SERVICES_COURSE, CASHLESS_COURSE, DATA_PROTECTION_COURSE]

HOME_INTRO = (
    "<p>Các khoá học ngắn, miễn phí, học ngay trên điện thoại: làm thủ tục hành chính "
    "trực tuyến, thanh toán không dùng tiền mặt và bảo vệ thông tin cá nhân của bạn và "
    "gia đình.</p>"
)
CATALOGUE_INTRO = (
    "<p>Chọn một chủ đề hoặc tìm theo tên khoá học. Mỗi bài học chỉ mất vài phút.</p>"
)


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSpec:
    username: str
    full_name: str
    role: str
    phone: str = ""
    email: str = ""
    birth_year: int | None = None


RESIDENT = PersonSpec(
    "demo-nguoi-dan",
    "Nguyễn Thị Lan",
    Role.RESIDENT,
    phone="0912 345 678",
    birth_year=1968,
)
PEOPLE = [
    RESIDENT,
    PersonSpec(
        "demo-nguoi-dan-2",
        "Trần Văn Bình",
        Role.RESIDENT,
        phone="0987 654 321",
        birth_year=1975,
    ),
    PersonSpec(
        "demo-cong-chuc",
        "Lê Minh Tuấn",
        Role.CIVIL_SERVANT,
        email="congchuc@example.org",
        birth_year=1986,
    ),
    PersonSpec(
        "demo-to-truong",
        "Phạm Thị Hoa",
        Role.TEAM_LEADER,
        phone="0903 123 456",
        email="totruong@example.org",
        birth_year=1970,
    ),
    PersonSpec(
        "demo-thanh-vien",
        "Võ Văn Nam",
        Role.TEAM_MEMBER,
        phone="0938 765 432",
        email="thanhvien@example.org",
        birth_year=1998,
    ),
    PersonSpec(
        "demo-can-bo-phuong",
        "Đặng Thu Hà",
        Role.COMMUNE_OFFICIAL,
        email="canbo.phuong@example.org",
        birth_year=1984,
    ),
    PersonSpec(
        "demo-can-bo-thanh-pho",
        "Hoàng Quốc Việt",
        Role.PROVINCE_OFFICIAL,
        email="canbo.thanhpho@example.org",
        birth_year=1979,
    ),
    PersonSpec(
        "demo-bien-tap",
        "Bùi Ngọc Anh",
        Role.CONTENT_EDITOR,
        email="bientap@example.org",
        birth_year=1992,
    ),
]

# (person, course, lessons completed, whether the next lesson is opened):
# learners part-way through, and some who finished.
PROGRESS = [
    ("demo-nguoi-dan", PUBLIC_SERVICES_COURSE, 2, True),
    ("demo-nguoi-dan", CASHLESS_COURSE, 0, True),
    (
        "demo-nguoi-dan-2",
        DATA_PROTECTION_COURSE,
        len(DATA_PROTECTION_COURSE.lessons),
        False,
    ),
    ("demo-cong-chuc", DATA_PROTECTION_COURSE, 1, True),
    (
        "demo-to-truong",
        PUBLIC_SERVICES_COURSE,
        len(PUBLIC_SERVICES_COURSE.lessons),
        False,
    ),
]


@dataclass
class DemoLogin:
    role: str
    name: str
    phone: str
    email: str


@dataclass
class DemoResult:
    """What the demo contains and what this run created."""

    home: HomePage
    catalogue: CourseIndexPage
    courses: list[CoursePage]
    people: dict[str, User]
    logins: list[DemoLogin]
    password: str | None
    created: Counter = field(default_factory=Counter)


# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------


def _publish(parent: Page, page: Page) -> Page:
    """Add ``page`` below ``parent`` with a published revision, as an editor would."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _is_wagtail_welcome_page(page: Page) -> bool:
    """The placeholder Wagtail's migrations create: a bare page with no children."""
    return (
        page.depth == 2
        and page.content_type.model_class() is Page
        and not page.get_children().exists()
    )


def demo_site_build(created: Counter) -> tuple[HomePage, CourseIndexPage]:
    """Make a HomePage the default site's root, with the catalogue below it.

    Wagtail's placeholder "Welcome" page is removed once the site no longer uses it.
    """
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(title=SITE_TITLE, slug=HOME_SLUG, intro=HOME_INTRO)
        _publish(Page.get_first_root_node(), home)
        created["pages"] += 1
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            site_name=SITE_TITLE,
            root_page=home,
            is_default_site=True,
        )
    elif site.root_page_id != home.pk:
        previous = site.root_page
        site.root_page = home
        site.site_name = site.site_name or SITE_TITLE
        site.save()
        if _is_wagtail_welcome_page(previous):
            previous.delete()
    catalogue = CourseIndexPage.objects.child_of(home).filter(slug=CATALOGUE_SLUG)
    catalogue = catalogue.first()
    if catalogue is None:
        catalogue = CourseIndexPage(
            title=CATALOGUE_TITLE, slug=CATALOGUE_SLUG, intro=CATALOGUE_INTRO
        )
        _publish(home, catalogue)
        created["pages"] += 1
    return home, catalogue


def _cover_png(motif: str, colour: tuple[int, int, int]) -> bytes:
    """A flat 16:9 cover: one colour, a few white shapes, no text.

    Drawn at twice the size and scaled down, because Pillow draws shapes without
    anti-aliasing.
    """
    scale = 2
    width, height = 1280 * scale, 720 * scale
    image = PILImage.new("RGB", (width, height), colour)
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
    image = image.resize((1280, 720), PILImage.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _cover_image(spec: CourseSpec, created: Counter):
    image_model = get_image_model()
    title = f"Ảnh bìa: {spec.title}"
    image = image_model.objects.filter(title=title).first()
    if image is None:
        image = image_model(
            title=title,
            file=ImageFile(
                io.BytesIO(_cover_png(spec.cover, spec.colour)),
                name=f"bia-{spec.slug}.png",
            ),
        )
        image._set_image_file_metadata()
        image.save()
        created["images"] += 1
    return image


def demo_courses_build(
    catalogue: CourseIndexPage, created: Counter
) -> list[CoursePage]:
    """The three demo courses and their lessons, published, with cover images."""
    courses = []
    for spec in COURSES:
        course = CoursePage.objects.child_of(catalogue).filter(slug=spec.slug).first()
        if course is None:
            course = CoursePage(
                title=spec.title,
                slug=spec.slug,
                summary=spec.summary,
                topic=spec.topic,
                estimated_minutes=spec.minutes,
                cover_image=_cover_image(spec, created),
            )
            _publish(catalogue, course)
            created["courses"] += 1
            created["pages"] += 1
        existing = set(course.get_children().values_list("slug", flat=True))
        for lesson_spec in spec.lessons:
            slug = slugify_vi(lesson_spec.title)
            if slug in existing:
                continue
            lesson = LessonPage(
                title=lesson_spec.title,
                slug=slug,
                body=lesson_spec.body,
                estimated_minutes=lesson_spec.minutes,
            )
            _publish(course, lesson)
            created["lessons"] += 1
            created["pages"] += 1
        courses.append(course)
    return courses


def _demo_places(created: Counter) -> tuple[Province, Commune, Team]:
    if not Commune.objects.exists():
        counts = admin_units_load()
        created["provinces"] += counts["provinces_created"]
        created["communes"] += counts["communes_created"]
    province = Province.objects.get(code=DEMO_PROVINCE_CODE)
    commune = Commune.objects.get(
        province=province, name=DEMO_COMMUNE_NAME, kind=Commune.Kind.WARD
    )
    hamlet, new = Hamlet.objects.get_or_create(
        commune=commune,
        name=DEMO_HAMLET_NAME,
        defaults={"kind": Hamlet.Kind.KHU_PHO},
    )
    created["hamlets"] += new
    team, new = Team.objects.get_or_create(
        commune=commune, name=DEMO_TEAM_NAME, defaults={"hamlet": hamlet}
    )
    created["teams"] += new
    return province, commune, team


def demo_people_build(
    courses: list[CoursePage], *, password: str | None, created: Counter
) -> tuple[dict[str, User], list[DemoLogin]]:
    """A person for every role, scoped to the demo team, ward and city, with progress.

    ``password`` is set on accounts that have none yet; ``None`` leaves accounts
    without a usable password (residents still log in with a one-time code).
    """
    province, commune, team = _demo_places(created)
    scopes = {
        Role.TEAM_LEADER: {"team": team},
        Role.TEAM_MEMBER: {"team": team},
        Role.COMMUNE_OFFICIAL: {"commune": commune},
        Role.PROVINCE_OFFICIAL: {"province": province},
    }
    people, logins = {}, []
    for spec in PEOPLE:
        phone = phone_to_e164(spec.phone) if spec.phone else None
        user, new = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "full_name": spec.full_name,
                "phone": phone,
                "phone_verified": bool(phone),
                "email": spec.email,
                "birth_year": spec.birth_year,
                "commune": commune,
            },
        )
        created["users"] += new
        if new:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if password and not user.has_usable_password():
            user.set_password(password)
            user.save(update_fields=["password"])
        if spec.email:
            _address, new = EmailAddress.objects.get_or_create(
                user=user,
                email=spec.email,
                defaults={"verified": True, "primary": True},
            )
            created["email addresses"] += new
        roles_before = user.roles.count()
        services.role_grant(user=user, role=spec.role, **scopes.get(spec.role, {}))
        created["role assignments"] += user.roles.count() - roles_before
        people[spec.username] = user
        logins.append(
            DemoLogin(
                role=str(Role(spec.role).label),
                name=spec.full_name,
                phone=phone_display(phone) if phone else "",
                email=spec.email,
            )
        )

    by_slug = {course.slug: course for course in courses}
    for username, spec, done, open_next in PROGRESS:
        course = by_slug[spec.slug]
        _progress_build(
            people[username], course, done=done, open_next=open_next, created=created
        )
    return people, logins


def _progress_build(
    user: User, course: CoursePage, *, done: int, open_next: bool, created: Counter
) -> None:
    """Complete the first ``done`` lessons in order, then open the next one."""
    new = not Enrollment.objects.filter(user=user, course=course).exists()
    enrollment = services.enrollment_create(user=user, course=course)
    created["enrolments"] += new
    lessons = list(LessonPage.objects.live().child_of(course).order_by("path"))
    statuses = dict(enrollment.lesson_progress.values_list("lesson_id", "status"))
    for lesson in lessons[:done]:
        if statuses.get(lesson.pk) == LessonProgress.Status.COMPLETED:
            continue
        services.lesson_open(enrollment=enrollment, lesson=lesson, already_opened=False)
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
        created["lessons completed"] += 1
    if open_next and done < len(lessons) and lessons[done].pk not in statuses:
        services.lesson_open(
            enrollment=enrollment, lesson=lessons[done], already_opened=False
        )
        created["lessons opened"] += 1


@transaction.atomic
def demo_data_load(*, with_passwords: bool) -> DemoResult:
    """Build the whole demo (idempotent) and say what it contains.

    With ``with_passwords`` every demo account without a password gets
    :data:`DEMO_PASSWORD`; without it, none does.
    """
    created: Counter = Counter()
    home, catalogue = demo_site_build(created)
    courses = demo_courses_build(catalogue, created)
    password = DEMO_PASSWORD if with_passwords else None
    people, logins = demo_people_build(courses, password=password, created=created)
    return DemoResult(
        home=home,
        catalogue=catalogue,
        courses=courses,
        people=people,
        logins=logins,
        password=password,
        created=created,
    )
