from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0004_learning_records_from_lms'),
        ('lms', '0003_learning_records_to_courses'),
    ]

    operations = [
        migrations.RenameIndex(
            model_name='enrollment',
            new_name='courses_enr_course__a52239_idx',
            old_name='lms_enrollm_course__95797e_idx',
        ),
        migrations.AlterModelTable(
            name='enrollment',
            table=None,
        ),
        migrations.AlterModelTable(
            name='lessonprogress',
            table=None,
        ),
    ]
