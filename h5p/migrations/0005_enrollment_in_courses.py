import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0004_learning_records_from_lms'),
        ('h5p', '0004_editors_manage_activities'),
    ]

    # Only the state changes: the table is the same, under its new owner.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='h5pattempt',
                    name='enrollment',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='h5p_attempts', to='courses.enrollment'),
                ),
                migrations.AlterField(
                    model_name='h5presult',
                    name='enrollment',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='h5p_results', to='courses.enrollment'),
                ),
                migrations.AlterField(
                    model_name='h5puserstate',
                    name='enrollment',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='h5p_states', to='courses.enrollment'),
                ),
                migrations.AlterField(
                    model_name='xapistatement',
                    name='enrollment',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='xapi_statements', to='courses.enrollment'),
                ),
            ],
        ),
    ]
