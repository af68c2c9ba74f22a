// The header's "data as of", the stale warning with its reasons, notes and the first-copy
// progress, from reporting.sync_health + reporting.freshness (judged by freshness.ts).
import { $, el } from './dom.ts';
import { formatDateTime } from './format.ts';
import { assessFreshness, describeAge, describeFirstCopy, firstCopyProgress } from './freshness.ts';
import { S } from './state.ts';

/** Renders the banner; returns what identifies the data in the reports (reload on change). */
export async function renderFreshness(): Promise<string | null> {
  const { health, freshness } = await S.api.health();
  const f = assessFreshness(health, freshness, S.cfg.staleAfterMinutes);
  const node = $('freshness');
  node.dataset.asOf = f.asOf ?? '';
  node.dataset.minutes = f.minutesAgo === null ? '' : String(f.minutesAgo);
  node.dataset.stale = String(f.stale);
  node.textContent = f.asOf
    ? `Data as of ${formatDateTime(f.asOf)} (${f.minutesAgo === 0 ? 'less than a minute' : describeAge((f.minutesAgo ?? 0) * 60)} ago)`
    : 'Data as of: not synced yet';
  const warn = $('stale-warning');
  const list = $('stale-reasons');
  list.replaceChildren(...f.reasons.map((r) => el('li', {}, r)));
  warn.hidden = !f.stale;
  document.body.classList.toggle('stale', f.stale);
  const notes = $('notes');
  const shown = S.cfg.ignored ? [S.cfg.ignored, ...f.notes] : f.notes;
  notes.textContent = shown.join(' ');
  notes.hidden = shown.length === 0;
  // A newcomer's first minutes: how far the first copy of the books is.
  const copy = firstCopyProgress(health);
  const firstCopy = $('first-copy');
  firstCopy.textContent = describeFirstCopy(copy);
  firstCopy.dataset.percent = String(copy.percent);
  firstCopy.hidden = copy.done || health.length === 0;
  return `${freshness?.refreshed_at ?? ''}|${freshness?.data_as_of ?? ''}`;
}
