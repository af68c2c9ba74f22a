// Reading an upload: raw bytes (Uint8Array, streams) or the multipart form storage-js sends for
// a Blob or FormData, whose file part has an empty field name.
import type { IncomingMessage } from 'node:http';
import { storageErrors } from './errors.ts';

export interface UploadBody {
  bytes: Buffer;
  contentType: string;
  cacheControl: string;
  userMetadata: Record<string, unknown> | null;
}

export async function readLimited(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) throw storageErrors.tooLarge();
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function metadataHeader(raw: string | undefined): Record<string, unknown> | null {
  if (!raw) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    throw storageErrors.invalidParameter('x-metadata must be base64-encoded JSON');
  }
}

export async function readUpload(req: IncomingMessage, limit: number): Promise<UploadBody> {
  const raw = await readLimited(req, limit);
  const type = String(req.headers['content-type'] ?? 'application/octet-stream');
  const header = (name: string) => {
    const v = req.headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    return {
      bytes: raw,
      contentType: type,
      cacheControl: header('cache-control') ?? 'no-cache',
      userMetadata: metadataHeader(header('x-metadata')),
    };
  }
  const form = await new Response(new Uint8Array(raw), {
    headers: { 'content-type': type },
  }).formData();
  let file: File | undefined;
  for (const [, value] of form.entries()) {
    if (typeof value !== 'string') {
      file = value;
      break;
    }
  }
  if (!file) throw storageErrors.invalidParameter('the form carries no file');
  const cache = form.get('cacheControl');
  const meta = form.get('metadata');
  return {
    bytes: Buffer.from(await file.arrayBuffer()),
    contentType: file.type || 'application/octet-stream',
    cacheControl: typeof cache === 'string' && cache ? `max-age=${cache}` : 'no-cache',
    userMetadata:
      typeof meta === 'string' && meta ? (JSON.parse(meta) as Record<string, unknown>) : null,
  };
}
