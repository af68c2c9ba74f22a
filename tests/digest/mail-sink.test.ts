import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailSink, startMailSink } from '../../tools/local-stack/src/mail-sink/index.ts';

// The local mail sink over real HTTP: Resend's request and error shapes, Idempotency-Key, the
// page listing what was captured, and the switch that makes the next sends fail.
const KEY = 're_test_key_for_the_sink';
let sink: MailSink;

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${sink.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const email = (subject: string) => ({
  from: 'Finanzas <digest@example.com>',
  to: ['ana@example.com'],
  subject,
  html: `<p>${subject}</p>`,
});

beforeAll(async () => {
  sink = await startMailSink({ port: 0, apiKey: KEY });
});
afterAll(async () => {
  await sink?.close();
});

describe('mail sink', () => {
  it('accepts an e-mail with the key and answers {id}; refuses without or with another key', async () => {
    const res = await post('/emails', {
      ...email('hello'),
      attachments: [{ filename: 'a.txt', content: Buffer.from('abc').toString('base64') }],
    });
    expect(res.status).toBe(200);
    const { id } = await res.json();
    const kept = sink.messages().find((m) => m.id === id);
    expect(kept).toMatchObject({ subject: 'hello', to: ['ana@example.com'] });
    expect(kept?.attachments[0]).toMatchObject({ filename: 'a.txt', size: 3 });

    const none = await fetch(`${sink.url}/emails`, { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ statusCode: 401, name: 'missing_api_key' });
    const wrong = await post('/emails', email('x'), { Authorization: 'Bearer re_wrong' });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ name: 'invalid_api_key' });
    const incomplete = await post('/emails', { from: 'a@example.com', to: 'b@example.com' });
    expect(incomplete.status).toBe(422);
  });

  it('an Idempotency-Key replays the first answer and keeps one message', async () => {
    const before = sink.messages().length;
    const first = await (await post('/emails', email('once'), { 'Idempotency-Key': 'k-1' })).json();
    const again = await (await post('/emails', email('once'), { 'Idempotency-Key': 'k-1' })).json();
    expect(again.id).toBe(first.id);
    expect(sink.messages().length).toBe(before + 1);
    const changed = await post('/emails', email('other'), { 'Idempotency-Key': 'k-1' });
    expect(changed.status).toBe(409);
    expect(await changed.json()).toMatchObject({ name: 'invalid_idempotent_request' });
  });

  it('sends a batch (no attachments there, as with Resend)', async () => {
    const res = await post('/emails/batch', [email('b1'), email('b2')]);
    expect(res.status).toBe(200);
    const { data } = await res.json();
    expect(data).toHaveLength(2);
    const withFile = await post('/emails/batch', [
      { ...email('b3'), attachments: [{ filename: 'x', content: '' }] },
    ]);
    expect(withFile.status).toBe(422);
  });

  it('lists the messages on its page and as JSON, and fails the next sends when told to', async () => {
    const page = await (await fetch(`${sink.url}/`)).text();
    expect(page).toContain('>hello</a>');
    const json = await (await fetch(`${sink.url}/api/messages`)).json();
    expect(json.map((m: { subject: string }) => m.subject)).toContain('b2');
    await fetch(`${sink.url}/api/fail`, { method: 'POST', body: JSON.stringify({ count: 2 }) });
    const before = sink.messages().length;
    expect((await post('/emails', email('f1'))).status).toBe(500);
    expect((await post('/emails', email('f2'))).status).toBe(500);
    expect((await post('/emails', email('f3'))).status).toBe(200);
    expect(sink.messages().length).toBe(before + 1);
  });
});
