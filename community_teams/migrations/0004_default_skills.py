from django.db import migrations

# The skills the teams guide households in (national digital-transformation plan).
SKILLS = [
    ("vneid", "Cài VNeID và định danh điện tử mức 2"),
    ("dich-vu-cong", "Nộp hồ sơ dịch vụ công trực tuyến"),
    ("thanh-toan", "Mở tài khoản thanh toán, thanh toán không dùng tiền mặt"),
    ("mua-ban-truc-tuyen", "Mua bán trực tuyến"),
    ("an-toan-thong-tin", "Nhận biết lừa đảo, bảo vệ dữ liệu cá nhân"),
    ("chu-ky-so", "Chữ ký số"),
    ("so-suc-khoe", "Sổ sức khỏe điện tử"),
]


def add_skills(apps, schema_editor):
    Skill = apps.get_model("community_teams", "Skill")
    for order, (code, name) in enumerate(SKILLS, start=1):
        Skill.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("community_teams", "0003_households_visits_consent")]

    operations = [migrations.RunPython(add_skills, migrations.RunPython.noop)]
