import { ensureInstalled } from '../../tools/local-stack/src/install.ts';

// The matrix files start their own clusters (tests/sync/harness.ts); only the Postgres
// extensions and tools must be in place first.
export default function setup() {
  ensureInstalled();
}
