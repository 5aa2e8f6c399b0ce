import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0004_learning_records_from_lms'),
        ('quizzes', '0002_editors_build_quizzes'),
    ]

    # Only the state changes: the table is the same, under its new owner.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='attempt',
                    name='enrollment',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='quiz_attempts', to='courses.enrollment', verbose_name='enrolment'),
                ),
            ],
        ),
    ]
