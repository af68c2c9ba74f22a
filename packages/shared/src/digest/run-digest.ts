// One digest run: claim the due sends (ods.claim_digest_sends: created once per company, week
// and recipient, so nothing is sent twice), build each company's e-mail once, send one e-mail
// per recipient with an Idempotency-Key naming the send, and record each outcome
// (ods.finish_digest_send decides sent / retry / failed). A run killed mid-way leaves its
// claims to expire; the next run takes them over.
import type { Sql } from 'postgres';
import { MailSendError, sendEmail } from '../mail/send-email.ts';
import type { DigestConfig } from './digest-config.ts';
import { digestHtml, digestSubject, digestText } from './digest-email.ts';
import { digestFigures } from './digest-figures.ts';
import { noWorkbook, type WorkbookProvider, workbookAttachments } from './digest-workbook.ts';

export interface DigestRunSummary {
  claimed: number;
  sent: number;
  retry: number;
  failed: number;
}

interface Claimed {
  id: string;
  company_id: string;
  week_start: string;
  recipient: string;
}

/** The error category readers see (reporting.digest_sends.error_category). */
export function mailErrorCategory(e: unknown): string {
  if (!(e instanceof MailSendError)) return 'data';
  if (e.status === 401 || e.status === 403) return 'auth';
  if (e.status !== null && e.status >= 400 && e.status < 500 && e.status !== 429) return 'rejected';
  return 'mail';
}

export async function runDigest(opts: {
  sql: Sql;
  config: DigestConfig;
  workbook?: WorkbookProvider;
  fetch?: typeof fetch;
  log?: (line: string) => void;
}): Promise<DigestRunSummary> {
  const { sql, config } = opts;
  const summary: DigestRunSummary = { claimed: 0, sent: 0, retry: 0, failed: 0 };
  const claimed = await sql<
    Claimed[]
  >`select id::text, company_id::text, week_start::text, recipient
    from ods.claim_digest_sends(${config.maxAttempts}, '5 minutes', ${config.batch})`;
  summary.claimed = claimed.length;
  const finish = async (s: Claimed, messageId: string | null, e: unknown) => {
    const error = e === null ? null : e instanceof Error ? e.message : String(e);
    const retriable = e === null ? false : e instanceof MailSendError ? e.retriable : true;
    const [row] = await sql`select ods.finish_digest_send(${s.id}::bigint, ${messageId},
      ${error}, ${e === null ? null : mailErrorCategory(e)}, ${retriable}, ${config.maxAttempts},
      make_interval(secs => ${config.retrySeconds})) as outcome`;
    const outcome = row.outcome as string | null;
    if (outcome === 'sent' || outcome === 'retry' || outcome === 'failed') summary[outcome]++;
    opts.log?.(
      `[digest] company ${s.company_id} ${s.week_start} → ${s.recipient}: ${outcome}${error ? ` (${error})` : ''}`,
    );
  };

  const groups = new Map<string, Claimed[]>();
  for (const s of claimed) {
    const key = `${s.company_id}|${s.week_start}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const [{ today }] = await sql`select current_date::text as today`;
  for (const sends of groups.values()) {
    const companyId = Number(sends[0].company_id);
    const weekStart = sends[0].week_start;
    let email: {
      subject: string;
      html: string;
      text: string;
      attachments: ReturnType<typeof workbookAttachments>;
    };
    try {
      const figures = await digestFigures(sql, companyId, today);
      const workbook = await (opts.workbook ?? noWorkbook)(
        { companyId, asOf: today, weekStart },
        sql,
      );
      const o = { weekStart, pageUrl: config.pageUrl, workbook };
      email = {
        subject: digestSubject(figures, weekStart),
        html: digestHtml(figures, o),
        text: digestText(figures, o),
        attachments: workbookAttachments(workbook),
      };
    } catch (e) {
      for (const s of sends) await finish(s, null, e);
      continue;
    }
    for (const s of sends) {
      try {
        const { id } = await sendEmail(
          config.mail,
          {
            ...email,
            to: [s.recipient],
            tags: [
              { name: 'kind', value: 'weekly_digest' },
              { name: 'company', value: String(companyId) },
            ],
          },
          // One key per send (ods.digest_sends.id), short whatever the address (Resend: ≤ 256).
          `weekly-digest/${s.id}`,
          opts.fetch,
        );
        await finish(s, id, null);
      } catch (e) {
        // The key was used with another payload: an earlier attempt of this very send reached
        // the mail API and only its record was lost (the figures moved since). It was sent.
        if (e instanceof MailSendError && e.code === 'invalid_idempotent_request')
          await finish(s, null, null);
        else await finish(s, null, e);
      }
    }
  }
  return summary;
}
