// The page's Excel exports: "Export to Excel" on a table asks the database for a background
// job (reporting.request_export); the jobs panel lists the user's own jobs
// (reporting.export_jobs) with their progress, polls while one is under way, and asks Storage
// for a short-lived signed link when the user downloads a finished file.
import type { SupabaseClient } from '@supabase/supabase-js';

export type ExportKind = 'aged_receivable' | 'aged_payable' | 'open_invoices' | 'partner_ledger';

export interface ExportJob {
  job_id: number;
  kind: ExportKind;
  params: Record<string, unknown>;
  status: 'queued' | 'running' | 'done' | 'failed' | 'dead';
  rows_done: number;
  rows_total: number | null;
  attempts: number;
  error: string | null;
  file_path: string | null;
  file_name: string | null;
  created_at: string;
}

/** Seconds a download link stays valid. */
export const LINK_SECONDS = 300;
const POLL_MS = 1500;

const LABELS: Record<ExportKind, string> = {
  aged_receivable: 'Aged receivable',
  aged_payable: 'Aged payable',
  open_invoices: 'Open invoices',
  partner_ledger: 'Partner ledger',
};

const STATUS: Record<ExportJob['status'], string> = {
  queued: 'waiting',
  running: 'writing',
  done: 'ready',
  failed: 'retrying',
  dead: 'failed',
};

type El = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, string | undefined>,
  ...children: (Node | string | null | undefined)[]
) => HTMLElementTagNameMap[K];

export function exportsPanel(
  client: SupabaseClient<any, any, any>,
  el: El,
  describe: (job: ExportJob) => string,
) {
  const panel = document.getElementById('exports')!;
  const list = document.getElementById('exports-list')!;
  const note = document.getElementById('exports-error')!;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function showError(message: string | null) {
    note.textContent = message ?? '';
    note.hidden = message === null;
  }

  async function download(job: ExportJob, link: HTMLAnchorElement) {
    const { data, error } = await client.storage
      .from('exports')
      .createSignedUrl(job.file_path!, LINK_SECONDS, { download: job.file_name ?? true });
    if (error || !data)
      return showError(`Could not get the download link: ${error?.message ?? 'no link'}`);
    link.href = data.signedUrl;
    link.dataset.signed = 'true';
    location.assign(data.signedUrl);
  }

  function row(job: ExportJob) {
    const total = job.rows_total ?? 0;
    const progress = el('progress', {
      max: String(Math.max(total, 1)),
      value: String(job.status === 'done' ? Math.max(total, 1) : Math.min(job.rows_done, total)),
      'aria-label': `${LABELS[job.kind]} progress`,
    });
    const counts = total
      ? `${Number(job.rows_done).toLocaleString()} of ${Number(total).toLocaleString()} rows`
      : '';
    let action: Node | null = null;
    if (job.status === 'done' && job.file_path) {
      const link = el(
        'a',
        { href: '#', class: 'download', 'data-testid': 'export-download' },
        'Download',
      );
      link.addEventListener('click', (ev) => {
        if (link.dataset.signed) return;
        ev.preventDefault();
        void download(job, link);
      });
      action = link;
    } else if (job.error) {
      action = el('span', { class: 'error-text', 'data-testid': 'export-error' }, job.error);
    }
    return el(
      'li',
      {
        'data-job': String(job.job_id),
        'data-status': job.status,
        'data-rows': String(job.rows_done),
      },
      el('span', { class: 'job-name' }, `${LABELS[job.kind]} · ${describe(job)}`),
      el('span', { class: `job-status ${job.status}` }, STATUS[job.status]),
      progress,
      el('span', { class: 'job-rows' }, counts),
      action,
    );
  }

  async function refresh(): Promise<void> {
    clearTimeout(timer);
    const { data, error } = await client
      .schema('reporting')
      .from('export_jobs')
      .select(
        'job_id,kind,params,status,rows_done,rows_total,attempts,error,file_path,file_name,created_at',
      )
      .order('job_id', { ascending: false })
      .limit(10);
    if (error) return showError(`Could not read the exports: ${error.message}`);
    const jobs = (data ?? []) as ExportJob[];
    panel.hidden = jobs.length === 0;
    list.replaceChildren(...jobs.map(row));
    if (jobs.some((j) => j.status === 'queued' || j.status === 'running' || j.status === 'failed'))
      timer = setTimeout(() => void refresh(), POLL_MS);
  }

  async function request(kind: ExportKind, params: Record<string, unknown>): Promise<void> {
    showError(null);
    const { error } = await client.schema('reporting').rpc('request_export', { kind, params });
    if (error) {
      panel.hidden = false;
      return showError(`Could not start the export: ${error.message}`);
    }
    await refresh();
    panel.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  }

  return { refresh, request };
}
