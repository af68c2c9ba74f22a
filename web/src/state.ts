// What the page is showing: one object, created once by main.ts and shared by the cards (a
// live binding: every card reads the same S after setState).
import type { Api, Company, Kind, Row } from './api.ts';
import type { PageConfig } from './config.ts';
import type { exportsPanel } from './exports.ts';

export interface State {
  cfg: PageConfig;
  api: Api;
  companies: Company[];
  company: Company | null;
  asOf: string | null;
  topKind: Kind;
  /** Aging totals per kind (one row each) and the top partners, as of S.asOf (null = today). */
  totals: Record<Kind, Row | null>;
  top: Record<Kind, Row[]>;
  overdue: { search: string; kind: Kind | null; sort: string; ascending: boolean; page: number };
  ledger: { partnerId: number | null; name: string; page: number } | null;
  dataVersion: string | null;
  loads: number;
  exports: ReturnType<typeof exportsPanel>;
  timer?: ReturnType<typeof setInterval>;
}

export let S: State;

export function setState(state: State) {
  S = state;
}
