"""Receivers as records (agency offices, U.S. ties, a case's expected receiver), the programme
status of a person beside the old unaccompanied-minor flag (moved by 0007, removed by 0008), and
the custody record's receiver identity, signatures and the rules the database keeps."""

import cases.models.custody
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import poe_ops.keys
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_arrival_steps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='custodyhandover',
            name='from_signature',
            field=models.FileField(blank=True, max_length=200, upload_to=cases.models.custody.signature_path),
        ),
        migrations.AddField(
            model_name='custodyhandover',
            name='individuals',
            field=models.ManyToManyField(blank=True, help_text="Who was handed over, or whose documents (none: the case's).", related_name='custody_handovers', to='cases.individual'),
        ),
        migrations.AddField(
            model_name='custodyhandover',
            name='of_minor',
            field=models.BooleanField(default=False, help_text='A URM or separated minor is among those handed over by IOM to someone outside it: both sides sign, the receiver is identified, and an agency worker or U.S. tie must be the expected receiver (or an officer overrode).'),
        ),
        migrations.AddField(
            model_name='custodyhandover',
            name='override_by',
            field=models.ForeignKey(blank=True, help_text="The officer who authorised a minor's hand-over to another receiver.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='custodyhandover',
            name='receiver_check',
            field=models.CharField(blank=True, choices=[('', 'Not a final receiver'), ('expected', 'The expected receiver'), ('other', 'Another receiver, with a reason'), ('override', "Another receiver, on an officer's override")], default='', max_length=8),
        ),
        migrations.AddField(
            model_name='custodyhandover',
            name='receiver_reason',
            field=models.CharField(blank=True, help_text='When the receiver is not the expected one.', max_length=300, verbose_name='why this receiver'),
        ),
        migrations.AddField(
            model_name='custodyhandover',
            name='to_id_last_digits',
            field=models.CharField(blank=True, help_text='Never the whole number.', max_length=6, verbose_name="to: last characters of the document's number"),
        ),
        migrations.AddField(
            model_name='custodyhandover',
            name='to_id_type',
            field=models.CharField(blank=True, choices=[('passport', 'Passport'), ('drivers_license', "Driver's license"), ('state_id', 'State ID card'), ('green_card', 'Permanent resident card'), ('work_permit', 'Employment authorization card'), ('badge', 'Employer or agency badge'), ('other', 'Other photo ID')], max_length=16, verbose_name='to: identity document'),
        ),
        migrations.AddField(
            model_name='custodyhandover',
            name='to_phone',
            field=models.CharField(blank=True, max_length=40, verbose_name='to: phone'),
        ),
        migrations.AddField(
            model_name='custodyhandover',
            name='to_signature',
            field=models.FileField(blank=True, max_length=200, upload_to=cases.models.custody.signature_path),
        ),
        migrations.AddField(
            model_name='individual',
            name='programme_status',
            field=models.CharField(blank=True, choices=[('', 'None'), ('urm', 'URM (unaccompanied refugee minor)'), ('separated', 'Separated minor'), ('accompanied', 'Accompanied minor')], db_index=True, default='', help_text="URM, separated or accompanied minor, as the programme says; not the airline's UMNR code.", max_length=12),
        ),
        migrations.AddField(
            model_name='resettlementagency',
            name='ended_on',
            field=models.DateField(blank=True, help_text='When the agency stopped resettling refugees under the federal programme.', null=True, verbose_name='ended federal resettlement on'),
        ),
        migrations.AddField(
            model_name='resettlementagency',
            name='note',
            field=models.CharField(blank=True, help_text='Why it is inactive, in words.', max_length=300),
        ),
        migrations.AlterField(
            model_name='case',
            name='local_affiliate',
            field=models.CharField(blank=True, help_text="The agency's local office, as the ABN names it.", max_length=200),
        ),
        migrations.AlterField(
            model_name='custodyhandover',
            name='from_kind',
            field=models.CharField(choices=[('staff', 'IOM staff'), ('escort', 'IOM escort'), ('agency', 'Agency worker'), ('us_tie', 'U.S. tie'), ('airline', 'Airline (UMNR service)'), ('hospital', 'Hospital'), ('cbp', 'CBP')], max_length=8, verbose_name='from'),
        ),
        migrations.AlterField(
            model_name='custodyhandover',
            name='to_kind',
            field=models.CharField(choices=[('staff', 'IOM staff'), ('escort', 'IOM escort'), ('agency', 'Agency worker'), ('us_tie', 'U.S. tie'), ('airline', 'Airline (UMNR service)'), ('hospital', 'Hospital'), ('cbp', 'CBP')], max_length=8, verbose_name='to'),
        ),
        migrations.AlterField(
            model_name='custodyhandover',
            name='to_organisation',
            field=models.CharField(help_text="The receiver's organisation, or how a U.S. tie is related.", max_length=120, verbose_name='to: organisation or relationship'),
        ),
        migrations.AlterField(
            model_name='resettlementagency',
            name='active',
            field=models.BooleanField(default=True, help_text='Inactive: offered in no list; its old cases still show it.'),
        ),
        migrations.AlterField(
            model_name='resettlementagency',
            name='code',
            field=models.CharField(max_length=16, unique=True, validators=[django.core.validators.RegexValidator('^[A-Z]{2,16}$', 'Use 2 to 16 capital letters, e.g. IRC.')]),
        ),
        migrations.CreateModel(
            name='AgencyOffice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='As staff say it, e.g. “IRC Atlanta”.', max_length=120)),
                ('city', models.CharField(max_length=80)),
                ('state', models.CharField(max_length=2, validators=[django.core.validators.RegexValidator('^[A-Z]{2}$', 'Two capital letters, e.g. GA.')])),
                ('address', models.CharField(blank=True, max_length=250)),
                ('duty_phone', models.CharField(max_length=40, verbose_name='duty phone')),
                ('after_hours_phone', models.CharField(blank=True, help_text='Nights, weekends, holidays.', max_length=40, verbose_name='after-hours phone')),
                ('email', models.EmailField(blank=True, help_text="Where the POE's messages about the office's cases go.", max_length=254)),
                ('notify', models.BooleanField(default=True, help_text='Untick if the office asked not to be emailed (it can still be phoned).', verbose_name="send this office the POE's messages")),
                ('active', models.BooleanField(default=True, help_text='Inactive: offered in no list; its old cases still show it.')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='offices', to='cases.resettlementagency')),
                ('ports', models.ManyToManyField(blank=True, help_text="The airports whose arrivals its staff come to receive (the port's contacts).", related_name='agency_offices', to='poe_ops.port', verbose_name='ports of entry it meets cases at')),
            ],
            options={
                'ordering': ['agency__code', 'name'],
            },
        ),
        migrations.AddField(
            model_name='case',
            name='agency_office',
            field=models.ForeignKey(blank=True, help_text='The local office that receives the case: it is told of the hand-over, delays, hotel nights, hospital admissions and incidents.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='cases.agencyoffice'),
        ),
        migrations.AddField(
            model_name='custodyhandover',
            name='agency_office',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.agencyoffice'),
        ),
        migrations.CreateModel(
            name='USTie',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120)),
                ('relationship', models.CharField(help_text='To the principal applicant, e.g. “brother”, “aunt”.', max_length=60)),
                ('phone', models.CharField(max_length=40)),
                ('city', models.CharField(blank=True, help_text='City and state.', max_length=120)),
                ('source', models.CharField(choices=[('manifest', 'ABN manifest'), ('staff', 'POE staff')], default='staff', max_length=8)),
                ('idempotency_key', models.CharField(default=poe_ops.keys.new_key, max_length=64, unique=True)),
                ('added_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('added_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='us_ties', to='cases.case')),
            ],
            options={
                'verbose_name': 'U.S. tie',
                'verbose_name_plural': 'U.S. ties',
                'ordering': ['case', 'added_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ExpectedReceiver',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('agency', 'Agency worker'), ('us_tie', 'U.S. tie')], max_length=8)),
                ('name', models.CharField(max_length=120)),
                ('organisation', models.CharField(help_text='The agency office, or how a U.S. tie is related.', max_length=120, verbose_name='organisation or relationship')),
                ('phone', models.CharField(blank=True, max_length=40)),
                ('source', models.CharField(choices=[('manifest', 'ABN manifest'), ('staff', 'POE staff')], default='staff', max_length=8)),
                ('reason', models.CharField(blank=True, help_text='Why staff set or changed it (officers, for minors).', max_length=300)),
                ('set_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('agency_office', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.agencyoffice')),
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='expected_receiver', to='cases.case')),
                ('set_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('us_tie', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.ustie')),
            ],
        ),
        migrations.AddField(
            model_name='custodyhandover',
            name='us_tie',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.ustie'),
        ),
        migrations.AddConstraint(
            model_name='custodyhandover',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('receiver_check', ''), ('of_minor', False)), models.Q(models.Q(('to_id_type', ''), _negated=True), models.Q(('to_id_last_digits', ''), _negated=True), models.Q(('to_phone', ''), _negated=True)), _connector='OR'), name='custody_identifies_the_receiver'),
        ),
        migrations.AddConstraint(
            model_name='custodyhandover',
            constraint=models.CheckConstraint(condition=models.Q(('of_minor', False), models.Q(models.Q(('from_signature', ''), _negated=True), models.Q(('to_signature', ''), _negated=True)), _connector='OR'), name='custody_of_a_minor_is_signed'),
        ),
        migrations.AddConstraint(
            model_name='custodyhandover',
            constraint=models.CheckConstraint(condition=models.Q(('of_minor', False), models.Q(('to_kind__in', ['agency', 'us_tie']), _negated=True), ('receiver_check', 'expected'), models.Q(('receiver_check', 'override'), ('override_by__isnull', False)), _connector='OR'), name='custody_of_a_minor_to_the_expected_receiver'),
        ),
        migrations.AddConstraint(
            model_name='custodyhandover',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('receiver_check__in', ['other', 'override']), _negated=True), models.Q(('receiver_reason', ''), _negated=True), _connector='OR'), name='custody_another_receiver_has_a_reason'),
        ),
        migrations.AddConstraint(
            model_name='agencyoffice',
            constraint=models.UniqueConstraint(fields=('agency', 'name'), name='agency_office_unique_name'),
        ),
        migrations.AddConstraint(
            model_name='expectedreceiver',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('name', ''), _negated=True), models.Q(('organisation', ''), _negated=True)), name='expected_receiver_named'),
        ),
    ]
