// postgres.js 3.4 writes to a socket it has already dropped when the server goes away mid-query
// (a deferred `nextWrite`: TypeError "Cannot read properties of null (reading 'write')"), outside
// any promise the engine awaits, so it would crash the process before the failure is recorded.
// The queries in flight still fail with the driver's connection error, which the engine records
// as usual; this stray write is the only thing swallowed.
const fromDriverWrite = (e: unknown) =>
  e instanceof TypeError &&
  /reading 'write'/.test(e.message) &&
  /postgres[\\/]src[\\/]connection\.js/.test(e.stack ?? '');

export function guardDriverWrites(log: (line: string) => void): void {
  let said = false;
  process.on('uncaughtException', (e) => {
    if (!fromDriverWrite(e)) {
      console.error(e);
      process.exit(70);
    }
    if (!said) log('[database] connection lost mid-write (the server went away)');
    said = true;
  });
}
