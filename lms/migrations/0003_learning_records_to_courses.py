from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('h5p', '0005_enrollment_in_courses'),
        ('lms', '0002_learning_records_and_roles'),
        ('quizzes', '0003_enrollment_in_courses'),
    ]

    # The courses app owns these models now (courses 0004); the tables stay.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='lessonprogress',
                    name='enrollment',
                ),
                migrations.RemoveField(
                    model_name='lessonprogress',
                    name='lesson',
                ),
                migrations.DeleteModel(
                    name='Enrollment',
                ),
                migrations.DeleteModel(
                    name='LessonProgress',
                ),
            ],
        ),
    ]
