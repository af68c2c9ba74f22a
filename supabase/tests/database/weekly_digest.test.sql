-- The weekly digest's schedule and sends (issue 13): when a subscription is due in its own time
-- zone, one send per (company, week, recipient) claimed once, retries with a doubling wait,
-- failed after the last attempt, abandoned sends taken over, the cron path, privacy.
begin;
select plan(24);

select is((select schedule from cron.job where jobname = 'weekly-digest'), '*/5 * * * *',
          'the schedule asks every 5 minutes');

-- Wednesday 09:00 in New York (UTC-5 in December).
insert into ods.digest_subscriptions (company_id, recipients, weekday, hour, timezone)
values (7001, array['a@example.com', 'b@example.com'], 3, 9, 'America/New_York');
select is((select count(*)::int from ods.digest_due('2026-12-02 13:59Z') where company_id = 7001), 0,
          'not due at 08:59 local');
select is((select array_agg(recipient order by recipient) from ods.digest_due('2026-12-02 14:00Z')
            where company_id = 7001 and week_start = '2026-11-30'),
          array['a@example.com', 'b@example.com'], 'due at 09:00 local, one row per recipient');
select is((select count(*)::int from ods.digest_due('2026-12-07 04:59Z')
            where company_id = 7001 and week_start = '2026-11-30'), 2,
          'still due until Sunday 23:59 local');
select is((select count(*)::int from ods.digest_due('2026-12-07 05:00Z') where company_id = 7001), 0,
          'a new local week: not due before its Wednesday');
update ods.digest_subscriptions set active = false where company_id = 7001;
select is((select count(*)::int from ods.digest_due('2026-12-02 15:00Z') where company_id = 7001), 0,
          'an inactive subscription is never due');

select throws_ok($$insert into ods.digest_subscriptions (company_id, recipients)
                   values (7002, array['not an address'])$$, '22023', null,
                 'a recipient that is not an address is refused');
select throws_ok($$insert into ods.digest_subscriptions (company_id, recipients, timezone)
                   values (7002, array['a@example.com'], 'Mars/Olympus')$$, '22023', null,
                 'an unknown time zone is refused');

-- Due now (this UTC day at 00:00): claimed once, whatever runs next.
delete from vault.secrets where name in ('project_url', 'service_role_key');
insert into ods.digest_subscriptions (company_id, recipients, weekday, hour, timezone)
values (7003, array['c@example.com', 'd@example.com'], extract(isodow from now() at time zone 'UTC'), 0,
        'UTC');
select ok(ods.digest_work_due(), 'work is due before the first claim');
select is(ods.invoke_digest('test'), null, 'without the Vault entries nothing is called');
select vault.create_secret('https://example.supabase.co', 'project_url');
select vault.create_secret('test-service-key', 'service_role_key');
select isnt(ods.invoke_digest('test'), null, 'with them, a due send calls the function');

create temp table claimed as select * from ods.claim_digest_sends(3);
select is((select array_agg(recipient order by recipient) from claimed where company_id = 7003),
          array['c@example.com', 'd@example.com'], 'the first claim takes both recipients');
select is((select count(*)::int from ods.claim_digest_sends(3) where company_id = 7003), 0,
          'a second claim takes nothing');
select ok(not ods.digest_work_due(), 'nothing due while both are being sent');
select is(ods.invoke_digest('test'), null, 'so the schedule calls nothing');

select is(ods.finish_digest_send((select id from claimed where recipient = 'c@example.com'), 'm-1',
                                 null, null, false, 3, '1 minute'), 'sent', 'a success is sent');
select is(ods.finish_digest_send((select id from claimed where recipient = 'd@example.com'), null,
                                 'mail API answered 500', 'mail', true, 3, '1 minute'), 'retry',
          'a retriable failure with attempts left waits for a retry');
select is((select next_attempt_at from ods.digest_sends where recipient = 'd@example.com'),
          now() + interval '1 minute', 'the first retry waits the base interval');
select is((select count(*)::int from ods.claim_digest_sends(3) where company_id = 7003), 0,
          'not claimed before its time');
update ods.digest_sends set next_attempt_at = now() - interval '1 second' where recipient = 'd@example.com';
select is((select attempts from ods.claim_digest_sends(3) where recipient = 'd@example.com'), 2,
          'claimed again once due: the second attempt');
select is(ods.finish_digest_send((select id from ods.digest_sends where recipient = 'd@example.com'),
                                 null, 'mail API answered 500', 'mail', true, 2, '1 minute'), 'failed',
          'no attempts left: failed with its error');

-- A worker killed mid-send: its claim expires; after the last attempt the send is failed.
insert into ods.digest_sends (company_id, week_start, recipient, status, attempts, locked_until)
values (7004, '2026-11-30', 'e@example.com', 'sending', 3, now() - interval '1 second');
select is((select count(*)::int from ods.claim_digest_sends(3) where company_id = 7004), 0,
          'an abandoned send without attempts left is not claimed again');
select is((select status || ': ' || error from ods.digest_sends where company_id = 7004),
          'failed: the send was interrupted 3 times', 'it is failed, saying why');

select ok(not has_function_privilege('authenticated', 'ods.claim_digest_sends(integer, interval, integer)',
                                     'execute')
          and not has_function_privilege('anon', 'ods.invoke_digest(text)', 'execute'),
          'API roles can neither claim sends nor call the schedule');

select * from finish();
rollback;
