import { ODOO_VERSIONS, type OdooVersion } from '../../packages/odoo-sim/src/versions.ts';

// Which Odoo versions the sync, reporting and page tests run against.
// - `npm run test:versions` (tests/versions/vitest.config.ts) runs those suites once per version,
//   each with ODOO_VERSION set: every simulator a test starts without naming a version is that
//   one, and the tests that list versions themselves run that version's cases.
// - Plain `npm test` leaves ODOO_VERSION unset: simulators default to 17, and the tests that list
//   versions run a fast subset (ODOO_VERSIONS=all or a list like 16,18 widens it).
// - ODOO_TEST_PROTOCOL names the transport the sync harness speaks: `jsonrpc` by default (what
//   plain `npm test` uses), `auto` for each version's default (JSON-2 on 19), or `xmlrpc`; the
//   version matrix runs every version over its default and over XML-RPC.

export type { OdooVersion };

/** Every version the simulator speaks, oldest first. */
export const ALL_ODOO_VERSIONS: readonly OdooVersion[] = ODOO_VERSIONS;

/** Set when an environment variable names a version the simulator does not speak. */
export class OdooVersionsError extends Error {
  name = 'OdooVersionsError';
}

function parseVersion(name: string, raw: string): OdooVersion {
  const v = Number(raw.trim());
  if (!ALL_ODOO_VERSIONS.includes(v as OdooVersion)) {
    throw new OdooVersionsError(
      `${name}: "${raw}" is not one of ${ALL_ODOO_VERSIONS.join(', ')} (or "all" for ODOO_VERSIONS)`,
    );
  }
  return v as OdooVersion;
}

const TEST_PROTOCOLS = ['jsonrpc', 'xmlrpc', 'json2', 'auto'] as const;
export type TestProtocol = (typeof TEST_PROTOCOLS)[number];

/** The transport of a sync harness that names none: ODOO_TEST_PROTOCOL, else JSON-RPC. */
export function defaultTestProtocol(env = process.env): TestProtocol {
  const raw = env.ODOO_TEST_PROTOCOL?.trim().toLowerCase();
  if (!raw) return 'jsonrpc';
  if (!TEST_PROTOCOLS.includes(raw as TestProtocol)) {
    throw new OdooVersionsError(
      `ODOO_TEST_PROTOCOL: "${raw}" is not one of ${TEST_PROTOCOLS.join(', ')}`,
    );
  }
  return raw as TestProtocol;
}

/** The version of a simulator started without one: ODOO_VERSION, else 17. */
export function defaultOdooVersion(env = process.env): OdooVersion {
  return env.ODOO_VERSION ? parseVersion('ODOO_VERSION', env.ODOO_VERSION) : 17;
}

/**
 * The versions a test that lists versions runs: ODOO_VERSION's alone (one project of
 * test:versions), every one for ODOO_VERSIONS=all, the versions ODOO_VERSIONS lists, else `fast`.
 */
export function versionsUnderTest(
  fast: readonly OdooVersion[] = [17, 19],
  env = process.env,
): OdooVersion[] {
  if (env.ODOO_VERSION) return [defaultOdooVersion(env)];
  const list = env.ODOO_VERSIONS?.trim();
  if (!list) return [...fast];
  if (list === 'all') return [...ALL_ODOO_VERSIONS];
  return [...new Set(list.split(',').map((v) => parseVersion('ODOO_VERSIONS', v)))].sort(
    (a, b) => a - b,
  );
}

/**
 * The cases of a test over versions: `fast` in plain `npm test`, `each` of every version under
 * test when ODOO_VERSION or ODOO_VERSIONS is set.
 */
export function versionCases<T>(fast: T[], each: (v: OdooVersion) => T[], env = process.env): T[] {
  return env.ODOO_VERSION || env.ODOO_VERSIONS?.trim()
    ? versionsUnderTest(undefined, env).flatMap(each)
    : fast;
}
