// Manual check of the page: `npx tsx tests/e2e/dev.ts [scale]` prints a URL and keeps running.
import { startWorld } from './world.ts';

const w = await startWorld({ sim: { scale: Number(process.argv[2] ?? 3000) }, log: console.error });
console.log('syncing…', await w.sync());
console.log(`page: ${w.url}/`);
process.on('SIGINT', () => void w.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void w.close().then(() => process.exit(0)));
