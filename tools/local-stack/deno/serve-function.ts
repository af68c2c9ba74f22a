// Runs one Edge Function's own index.ts the way Supabase's edge runtime does: the module calls
// Deno.serve(handler) with no port; here that call is pointed at the port the gateway chose.
const port = Number(Deno.env.get('LOCAL_FUNCTION_PORT'));
const entry = Deno.args[0];
Deno.env.delete('LOCAL_FUNCTION_PORT');
if (!port || !entry) {
  console.error('usage: LOCAL_FUNCTION_PORT=<port> serve-function.ts <file:///…/index.ts>');
  Deno.exit(2);
}

type ServeArgs = Parameters<typeof Deno.serve>;
const serve = Deno.serve.bind(Deno);
let served = false;
(Deno as any).serve = (...args: ServeArgs) => {
  if (served) throw new Error('Deno.serve called twice by one Edge Function');
  served = true;
  const [a, b] = args as [unknown, unknown];
  const options = (typeof a === 'object' && a !== null ? a : {}) as Record<string, unknown>;
  const handler = (typeof a === 'function' ? a : (b ?? options.handler)) as Deno.ServeHandler;
  return serve(
    {
      ...options,
      port,
      hostname: '127.0.0.1',
      onListen: () => console.log(`[function] listening on ${port}`),
    },
    handler,
  );
};

await import(entry);
if (!served) {
  console.error(`${entry} never called Deno.serve()`);
  Deno.exit(3);
}
