// The mail sink's pages: the captured messages newest first, and one message with its
// envelope, attachments and body (the body in a sandboxed frame, as a mail client shows it).
import type { CapturedEmail } from './index.ts';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const STYLE = `body{font:14px system-ui,sans-serif;margin:2rem;color:#1f2933}
table{border-collapse:collapse;width:100%}td,th{padding:.4rem .6rem;border-bottom:1px solid #e4e7eb;text-align:left}
th{color:#52606d;font-weight:600}a{color:#0b69a3}dl{display:grid;grid-template-columns:8rem 1fr;gap:.3rem 1rem}
dt{color:#52606d}iframe{width:100%;height:80vh;border:1px solid #cbd2d9;margin-top:1rem}`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function sinkIndexPage(messages: readonly CapturedEmail[]): string {
  const rows = [...messages]
    .reverse()
    .map(
      (m) => `<tr data-id="${m.id}"><td>${esc(m.created_at)}</td><td>${esc(m.to.join(', '))}</td>
<td><a href="/messages/${m.id}">${esc(m.subject)}</a></td><td>${m.attachments.length || ''}</td></tr>`,
    )
    .join('\n');
  return layout(
    'Mail sink',
    `<h1>Mail sink</h1><p>Messages the local functions sent through the mail API (${messages.length}).
Nothing leaves this machine. JSON: <a href="/api/messages">/api/messages</a>.</p>
<table><thead><tr><th>received</th><th>to</th><th>subject</th><th>attachments</th></tr></thead>
<tbody>${rows || '<tr><td colspan="4">No messages yet.</td></tr>'}</tbody></table>`,
  );
}

export function messagePage(m: CapturedEmail): string {
  const attachments = m.attachments
    .map(
      (a, i) =>
        `<a href="/messages/${m.id}/attachments/${i}">${esc(a.filename)}</a> (${a.size} bytes)`,
    )
    .join(', ');
  return layout(
    m.subject,
    `<p><a href="/">← all messages</a></p><h1>${esc(m.subject)}</h1><dl>
<dt>from</dt><dd>${esc(m.from)}</dd><dt>to</dt><dd>${esc(m.to.join(', '))}</dd>
${m.cc.length ? `<dt>cc</dt><dd>${esc(m.cc.join(', '))}</dd>` : ''}
<dt>received</dt><dd>${esc(m.created_at)}</dd>
${attachments ? `<dt>attachments</dt><dd>${attachments}</dd>` : ''}</dl>
<iframe id="body" title="message body" sandbox src="/messages/${m.id}/html"></iframe>`,
  );
}
