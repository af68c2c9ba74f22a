import { expect } from 'vitest';
import { ModelLocks } from '../../packages/shared/src/sync/model-lock.ts';
import { diffWithTruth, type SyncHarness } from '../sync/harness.ts';
import { expectModelConverged, idsIn } from './convergence.ts';
import { clusterDirOf, gone, holdPages, restartPostgres, startSyncCli } from './mid-page.ts';
import { MODEL, type Phase } from './phases.ts';

const TABLE = MODEL.replaceAll('.', '_');

/** A failure of the machinery around the engine, struck while a page is halfway written. */
export interface ProcessFault {
  name: string;
  strike(h: SyncHarness, phase: Phase): Promise<Ending>;
  /** How the struck process must have ended. */
  expectEnding(e: Ending): void;
}

const cliArgs = (phase: Phase) => [
  '--models',
  MODEL,
  ...(phase.mode === 'sync' ? [] : [`--${phase.mode}`]),
];

/** What the struck process printed and how it ended. */
export interface Ending {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs the phase as `npm run sync` and, once a page is halfway, does `what` to it. */
async function strikeCli(
  h: SyncHarness,
  phase: Phase,
  what: (cli: ReturnType<typeof startSyncCli>) => Promise<void>,
): Promise<Ending> {
  const hold = await holdPages(h, TABLE);
  const cli = startSyncCli(h, cliArgs(phase));
  let pid = 0;
  try {
    pid = await hold.blocked();
    await what(cli);
    const ended = await Promise.race([cli.exited, sleep(60_000).then(() => 'hung' as const)]);
    if (ended === 'hung') cli.proc.kill('SIGKILL');
    expect(ended, `the struck process ended: ${cli.output()}`).not.toBe('hung');
  } finally {
    await hold.release();
  }
  await gone(h, pid);
  return { code: cli.proc.exitCode, signal: cli.proc.signalCode, output: cli.output() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Adding a way to die is one entry here; every phase picks it up.
export const PROCESS_FAULTS: ProcessFault[] = [
  {
    name: 'postgres restarted mid-page',
    strike: (h, phase) => strikeCli(h, phase, async () => restartPostgres(clusterDirOf(h))),
    // It lost its database, not its mind: a clear failure, not a crash of the driver.
    expectEnding(e) {
      expect(e.signal, e.output).toBeNull();
      expect(e.code, e.output).not.toBe(0);
      expect(e.output).not.toMatch(/TypeError|Cannot read properties/);
      expect(e.output).toMatch(/connect|terminat|CONNECTION|ECONNREFUSED/i);
    },
  },
  {
    name: 'slice process killed mid-page',
    strike: (h, phase) =>
      strikeCli(h, phase, async (cli) => {
        cli.proc.kill('SIGKILL');
        await cli.exited;
      }),
    expectEnding(e) {
      expect(e.signal, e.output).toBe('SIGKILL');
    },
  },
];

/** What a struck cell leaves for its later steps. */
export interface Struck {
  drift: Set<number>;
  ending: Ending;
}

/**
 * Puts the phase's drift in the copy and strikes: the copy may lag, but nothing the struck page
 * touched may be half there; the struck run must end up closed with an error, not "running".
 */
export async function strikeMidPage(
  h: SyncHarness,
  phase: Phase,
  pf: ProcessFault,
): Promise<Struck> {
  await phase.prepare(h);
  const drift = idsIn(await diffWithTruth(h, MODEL, 1_000_000));
  expect(drift.size, 'the phase has something to repair').toBeGreaterThan(0);
  const [{ last }] = await h.sql`select coalesce(max(id), 0)::int as last from ods.runs`;
  const ending = await pf.strike(h, phase);
  const after = idsIn(await diffWithTruth(h, MODEL, 1_000_000));
  expect(
    [...after].filter((id) => !drift.has(id)),
    'rows the struck page broke',
  ).toEqual([]);
  // The next invocation's first act: runs whose process is gone are closed as interrupted.
  const locks = new ModelLocks(h.dbUrl);
  await locks.closeAbandonedRuns(0).finally(() => locks.close());
  const runs = await h.sql`select id, outcome, error from ods.runs where id > ${last} order by id`;
  // The CLI may have finished a pass before the struck one; the struck one is not 'ok'.
  const struck = runs.filter((r) => r.outcome !== 'ok');
  expect(struck.length, JSON.stringify(runs)).toBe(1);
  expect(['interrupted', 'failed'], JSON.stringify(struck)).toContain(struck[0].outcome);
  expect(struck[0].error, JSON.stringify(struck)).toBeTruthy();
  return { drift, ending };
}

/** sync_health tells that the model's last invocation died (before anything repaired it). */
export async function expectHealthShowsStrike(h: SyncHarness): Promise<void> {
  const [health] = await h.sql`select * from reporting.sync_health where model = ${MODEL}`;
  expect(JSON.stringify(health, null, 1)).toMatch(
    /interrupt|killed|ended before|terminat|connection/i,
  );
}

/** Fault gone: the phase resumes and repairs everything; no run is left "running". */
export async function expectRecovered(h: SyncHarness, phase: Phase): Promise<void> {
  await h.syncToEnd({ mode: phase.mode, models: [MODEL] });
  await expectModelConverged(h, MODEL);
  const open = await h.sql`select id from ods.runs where outcome = 'running'`;
  expect(open).toEqual([]);
}

/**
 * A process-fault cell as ordered steps (separate tests, so a step skipped for an engine bug
 * does not hide the others): strike, how the process ended, sync_health, recovery.
 */
export function processFaultSteps(
  harness: () => SyncHarness,
  phase: Phase,
  pf: ProcessFault,
): Array<[string, () => Promise<void>]> {
  let struck: Struck | undefined;
  return [
    [
      'struck halfway, nothing half-written, the run closed with an error',
      async () => {
        struck = await strikeMidPage(harness(), phase, pf);
      },
    ],
    [
      'the struck process ended as it should',
      async () => {
        if (!struck) throw new Error('the strike step did not complete');
        pf.expectEnding(struck.ending);
      },
    ],
    ['sync_health shows the struck invocation', () => expectHealthShowsStrike(harness())],
    ['the next run resumes and converges', () => expectRecovered(harness(), phase)],
  ];
}
