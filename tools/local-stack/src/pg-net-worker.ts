import postgres from 'postgres';

export interface PgNetWorkerOptions {
  dbUrl: string;
  batchSize?: number; // pg_net.batch_size
  ttl?: string; // pg_net.ttl
  pollMs?: number;
  log?: (line: string) => void;
}

interface QueuedRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string> | null;
  body: Buffer | null;
  timeout_milliseconds: number;
}

/**
 * The sending half of the local pg_net stand-in, the part pg_net does in a background worker:
 * wakes on NOTIFY (delivered only at commit) or every second, takes a batch off
 * net.http_request_queue (deleting it), sends it and records the outcome in net._http_response.
 * Like pg_net's event loop, a request queued while others are in flight is sent at once, not
 * after their answers: a call that takes long (a content sweep answering after 20 s) must not
 * hold up the next tick's call to the same function.
 */
export async function startPgNetWorker(
  opts: PgNetWorkerOptions,
): Promise<{ stop(): Promise<void> }> {
  const sql = postgres(opts.dbUrl, {
    max: 2,
    onnotice: () => {},
    connection: { application_name: 'pg_net worker' },
  });
  const batchSize = opts.batchSize ?? 200;
  const ttl = opts.ttl ?? '6 hours';
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;

  const send = async (r: QueuedRequest) => {
    const started = performance.now();
    try {
      const headers = { ...(r.headers ?? {}) };
      if (r.headers) headers['User-Agent'] ??= 'pg_net/0.19.5';
      const res = await fetch(r.url, {
        method: r.method.toUpperCase(),
        headers,
        body: r.body ? new Uint8Array(r.body) : undefined,
        redirect: 'follow',
        signal: AbortSignal.timeout(r.timeout_milliseconds),
      });
      const content = await res.text();
      await sql`insert into net._http_response (id, status_code, content_type, headers, content, timed_out)
        values (${r.id}, ${res.status}, ${res.headers.get('content-type')},
                ${sql.json(Object.fromEntries(res.headers))}, ${content === '' ? null : content}, false)`;
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      const total = (performance.now() - started).toFixed(6);
      const msg = timedOut
        ? `Timeout of ${r.timeout_milliseconds} ms reached. Total time: ${total} ms`
        : e instanceof Error
          ? String((e.cause as Error | undefined)?.message ?? e.message)
          : String(e);
      await sql`insert into net._http_response (id, error_msg, timed_out)
        values (${r.id}, ${msg}, ${timedOut ? true : null})`;
    }
  };

  // Sends not yet answered; at most batchSize, and a full house takes more once one ends.
  const inFlight = new Set<Promise<void>>();
  const drain = async () => {
    do {
      again = false;
      await sql`delete from net._http_response where ctid in (
        select ctid from net._http_response where created < now() - ${ttl}::interval
        order by created limit ${batchSize})`;
      const room = batchSize - inFlight.size;
      if (room <= 0) return;
      const batch = await sql<QueuedRequest[]>`
        with rows as (select id from net.http_request_queue order by id limit ${room}
                      for update skip locked)
        delete from net.http_request_queue q using rows where q.id = rows.id
        returning q.id, q.method, q.url, q.headers, q.body, q.timeout_milliseconds`;
      for (const r of batch) {
        const sent: Promise<void> = send(r).finally(() => {
          const full = inFlight.size >= batchSize;
          inFlight.delete(sent);
          if (full) wake();
        });
        inFlight.add(sent);
      }
      if (batch.length === room) again = true;
    } while (again && !stopped);
  };

  const wake = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((e) => opts.log?.(`[pg_net] ${e instanceof Error ? e.message : e}`))
      .finally(() => {
        running = null;
      });
  };

  await sql.listen('pg_net_wake', wake);
  const timer = setInterval(wake, opts.pollMs ?? 1000);
  wake();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await Promise.all(inFlight);
      await sql.end({ timeout: 2 });
    },
  };
}
