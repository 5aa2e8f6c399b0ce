import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0003_lesson_assessment_blocks'),
        ('lms', '0002_learning_records_and_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # Learning records belong to the courses app; they were created by lms. The
    # tables stay where they are here (the state moves), and are renamed once lms
    # has let go of them (0005).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Enrollment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('enrolled_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='enrolled at')),
                        ('last_activity_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='last activity')),
                        ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='completed at')),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enrollments', to='courses.coursepage')),
                        ('last_lesson', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='courses.lessonpage', verbose_name='resume at')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enrollments', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'enrolment',
                        'verbose_name_plural': 'enrolments',
                        'db_table': 'lms_enrollment',
                    },
                ),
                migrations.CreateModel(
                    name='LessonProgress',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('opened', 'Opened'), ('completed', 'Completed')], default='opened', max_length=10, verbose_name='status')),
                        ('opened_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='opened at')),
                        ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='completed at')),
                        ('enrollment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lesson_progress', to='courses.enrollment')),
                        ('lesson', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='progress', to='courses.lessonpage')),
                    ],
                    options={
                        'verbose_name': 'lesson progress',
                        'verbose_name_plural': 'lesson progress',
                        'db_table': 'lms_lessonprogress',
                    },
                ),
                migrations.AddIndex(
                    model_name='enrollment',
                    index=models.Index(fields=['course', 'completed_at'], name='lms_enrollm_course__95797e_idx'),
                ),
                migrations.AddConstraint(
                    model_name='enrollment',
                    constraint=models.UniqueConstraint(fields=('user', 'course'), name='unique_enrollment'),
                ),
                migrations.AddConstraint(
                    model_name='lessonprogress',
                    constraint=models.UniqueConstraint(fields=('enrollment', 'lesson'), name='unique_lesson_progress'),
                ),
            ],
        ),
    ]
