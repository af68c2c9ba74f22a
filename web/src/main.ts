// The treasury dashboard: reads the `reporting` schema through supabase-js and renders it, one
// file per card (aging-card, cash-card, forecast-card, overdue-card, ledger-card, the
// freshness banner, the exports panel) around the page shell (shell.ts).
// Every figure shown is a database figure (summed in integer minor units where the page adds
// per-partner rows); numbers carry their exact value in data-value for tests and tools.
import { wireAging } from './aging-card.ts';
import { createApi } from './api.ts';
import { ConfigError, type PageConfig, type RawConfig, resolveConfig } from './config.ts';
import { el } from './dom.ts';
import { describeJob, wireExportButtons } from './export-buttons.ts';
import { exportsPanel } from './exports.ts';
import { wireLedger } from './ledger-card.ts';
import { wireOverdue } from './overdue-card.ts';
import { fatal, loadAll, poll, wireShell } from './shell.ts';
import { S, setState } from './state.ts';

declare global {
  interface Window {
    FINANZAS_CONFIG?: RawConfig;
  }
}

function main() {
  let cfg: PageConfig;
  try {
    cfg = resolveConfig(window.FINANZAS_CONFIG, location.search, location.origin);
  } catch (e) {
    fatal(e instanceof ConfigError ? e.message : String(e));
    return;
  }
  const api = createApi(cfg);
  setState({
    cfg,
    api,
    companies: [],
    company: null,
    asOf: null,
    topKind: 'receivable',
    totals: { receivable: null, payable: null },
    top: { receivable: [], payable: [] },
    overdue: { search: '', kind: null, sort: 'days_overdue', ascending: false, page: 0 },
    ledger: null,
    dataVersion: null,
    loads: 0,
    exports: exportsPanel(api.client, el, (job) => describeJob(job)),
  });
  wireExportButtons();
  wireShell();
  wireAging();
  wireOverdue();
  wireLedger();
  void loadAll();
  S.timer = setInterval(() => void poll(), cfg.pollSeconds * 1000);
}

main();
