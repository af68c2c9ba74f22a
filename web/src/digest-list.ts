// The weekly digests beside the sync's health: for each company and week, how its e-mails went
// (reporting.digest_sends). Secondary to the figures: a failed read hides the list and never
// turns into a card error or a login prompt (older databases have no such view).
import type { Row } from './api.ts';
import { $, el } from './dom.ts';
import { formatDate } from './format.ts';
import { S } from './state.ts';

/** Lines shown at most; the rest is in Studio. */
const SHOWN = 8;

const STATUS: Record<string, string> = {
  pending: 'waiting',
  sending: 'sending',
  sent: 'sent',
  retry: 'retrying',
  failed: 'failed',
};

/** One line per company, week, status and error category, with its number of recipients. */
function group(rows: Row[]) {
  const lines = new Map<string, { row: Row; recipients: number }>();
  for (const r of rows) {
    const key = [r.company_id, r.week_start, r.status, r.error_category ?? ''].join('|');
    const line = lines.get(key);
    if (line) line.recipients++;
    else lines.set(key, { row: r, recipients: 1 });
  }
  return [...lines.values()].slice(0, SHOWN);
}

export function hideDigests() {
  $('digests').hidden = true;
}

export async function renderDigests() {
  const box = $('digests');
  try {
    const lines = group(await S.api.digestSends());
    $('digests-list').replaceChildren(
      ...lines.map(({ row, recipients }) => {
        const company =
          S.companies.find((c) => c.company_id === Number(row.company_id))?.name ??
          `company ${row.company_id}`;
        const status = STATUS[row.status] ?? row.status;
        return el(
          'li',
          {
            'data-company': String(row.company_id),
            'data-week': formatDate(row.week_start),
            'data-status': row.status,
            'data-category': row.error_category ?? '',
          },
          `${company} · week of ${formatDate(row.week_start)} · `,
          el(
            'span',
            { class: row.status },
            `${status}${row.error_category ? ` (${row.error_category})` : ''}`,
          ),
          ` · ${recipients} recipient${recipients === 1 ? '' : 's'}`,
        );
      }),
    );
    delete box.dataset.error;
    box.hidden = lines.length === 0;
  } catch (e) {
    box.dataset.error = e instanceof Error ? e.message : String(e);
    box.hidden = true;
  }
}
