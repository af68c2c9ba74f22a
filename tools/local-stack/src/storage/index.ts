// A Docker-free stand-in for the part of Supabase Storage (/storage/v1) the project uses:
// upload (POST/PUT, x-upsert), signed URLs (one or many), download of a signed URL without any
// credential, download by bearer, public download, remove and list. Metadata in
// storage.objects and storage.buckets as on Supabase (tools/local-stack/sql/storage.sql); every
// object statement runs as the caller (role and claims from the JWT), so the project's RLS
// policies on storage.objects decide, exactly as on a hosted project. Bytes: a bytea per object
// in storage_local.blobs, written in the upload's own transaction (whole or absent).
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import postgres from 'postgres';
import { readLimited, readUpload } from './body.ts';
import { asCaller, asOwner, callerOf } from './caller.ts';
import { fromDatabaseError, StorageError, storageErrors } from './errors.ts';
import { listObjects } from './list.ts';
import { checkObjectToken, signObjectToken } from './signed-url.ts';

export interface StorageOptions {
  /** The database owner's connection (role switching happens per request). */
  dbUrl: string;
  jwtSecret: string;
  /** Global upload limit (Supabase's default: 50 MiB; config.toml [storage] file_size_limit). */
  fileSizeLimit?: number;
}

export interface StorageHandler {
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
  close(): Promise<void>;
}

interface Bucket {
  id: string;
  public: boolean;
  file_size_limit: string | null;
  allowed_mime_types: string[] | null;
}

interface StoredObject {
  id: string;
  name: string;
  metadata: Record<string, unknown> | null;
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Type, Content-Disposition, ETag',
};

function sendJson(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...CORS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function decodeSegments(path: string): string[] {
  try {
    return path
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    throw storageErrors.invalidKey(path);
  }
}

function splitBucketAndName(segments: string[]): { bucket: string; name: string } {
  const [bucket, ...rest] = segments;
  const name = rest.join('/');
  if (!bucket || !name) throw storageErrors.invalidKey(segments.join('/'));
  return { bucket, name };
}

function mimeAllowed(allowed: string[] | null, type: string): boolean {
  if (!allowed || allowed.length === 0) return true;
  const base = type.split(';')[0].trim().toLowerCase();
  return allowed.some((a) => {
    const pattern = a.toLowerCase();
    return pattern.endsWith('/*') ? base.startsWith(pattern.slice(0, -1)) : base === pattern;
  });
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readLimited(req, 1 << 20)).toString('utf8');
  if (!text.trim()) return {};
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {}
  throw storageErrors.invalidParameter('the body must be a JSON object');
}

function expiresInOf(body: Record<string, unknown>): number {
  const v = body.expiresIn;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw storageErrors.invalidParameter('body/expiresIn must be an integer >= 1');
  return v;
}

export function createStorageHandler(opts: StorageOptions): StorageHandler {
  const sql = postgres(opts.dbUrl, {
    max: 5,
    idle_timeout: 30,
    onnotice: () => {},
    connection: { application_name: 'finanzas-local-storage' },
  });
  const globalLimit = opts.fileSizeLimit ?? 50 * 1024 * 1024;

  async function bucketOf(id: string): Promise<Bucket> {
    const [b] = await sql<Bucket[]>`select id, public, file_size_limit::text, allowed_mime_types
      from storage.buckets where id = ${id}`;
    if (!b) throw storageErrors.noSuchBucket();
    return b;
  }

  async function upload(req: IncomingMessage, res: ServerResponse, path: string, rest: string) {
    const caller = callerOf(req, opts.jwtSecret);
    const { bucket, name } = splitBucketAndName(decodeSegments(rest));
    const b = await bucketOf(bucket);
    const limit = Math.min(globalLimit, Number(b.file_size_limit ?? globalLimit));
    const body = await readUpload(req, limit);
    if (!mimeAllowed(b.allowed_mime_types, body.contentType))
      throw storageErrors.invalidMimeType(body.contentType);
    const upsert = req.method === 'PUT' || req.headers['x-upsert'] === 'true';
    const sub = typeof caller.claims.sub === 'string' ? caller.claims.sub : null;
    const owner = sub && /^[0-9a-f-]{36}$/i.test(sub) ? sub : null;
    const now = new Date().toISOString();
    const metadata = {
      eTag: `"${createHash('md5').update(body.bytes).digest('hex')}"`,
      size: body.bytes.length,
      mimetype: body.contentType,
      cacheControl: body.cacheControl,
      lastModified: now,
      contentLength: body.bytes.length,
      httpStatusCode: 200,
    };
    const version = randomUUID();
    const id = await asCaller(sql, caller, req, path, async (tx) => {
      let objectId: string = randomUUID();
      // Without upsert no RETURNING: an upload needs INSERT only, as on Supabase; an upsert
      // needs SELECT and UPDATE too (ON CONFLICT DO UPDATE reads the existing row).
      if (!upsert) {
        await tx`insert into storage.objects
          (id, bucket_id, name, owner, owner_id, metadata, version, user_metadata)
          values (${objectId}, ${bucket}, ${name}, ${owner}, ${sub}, ${tx.json(metadata)},
                  ${version}, ${body.userMetadata ? tx.json(body.userMetadata as never) : null})`;
      } else {
        const [row] = await tx`insert into storage.objects
          (id, bucket_id, name, owner, owner_id, metadata, version, user_metadata)
          values (${objectId}, ${bucket}, ${name}, ${owner}, ${sub}, ${tx.json(metadata)},
                  ${version}, ${body.userMetadata ? tx.json(body.userMetadata as never) : null})
          on conflict (bucket_id, name) do update
             set owner = excluded.owner, owner_id = excluded.owner_id,
                 metadata = excluded.metadata, version = excluded.version,
                 user_metadata = excluded.user_metadata, updated_at = now(),
                 last_accessed_at = now()
          returning id`;
        objectId = row.id;
      }
      await asOwner(tx);
      await tx`insert into storage_local.blobs (object_id, data) values (${objectId}, ${body.bytes})
        on conflict (object_id) do update set data = excluded.data`;
      return objectId;
    });
    sendJson(res, 200, { Id: id, Key: `${bucket}/${name}` });
  }

  /** The object as the caller may see it (RLS), or NoSuchKey. */
  async function visibleObject(
    req: IncomingMessage,
    path: string,
    bucket: string,
    name: string,
    withBytes: boolean,
  ): Promise<StoredObject & { data?: Buffer }> {
    const caller = callerOf(req, opts.jwtSecret);
    return asCaller(sql, caller, req, path, async (tx) => {
      const [o] = await tx<StoredObject[]>`select id, name, metadata from storage.objects
        where bucket_id = ${bucket} and name = ${name}`;
      if (!o) throw storageErrors.noSuchKey();
      if (!withBytes) return o;
      await asOwner(tx);
      const [blob] = await tx`select data from storage_local.blobs where object_id = ${o.id}`;
      if (!blob) throw storageErrors.noSuchKey();
      return { ...o, data: blob.data as Buffer };
    });
  }

  async function ownerRead(bucket: string, name: string): Promise<StoredObject & { data: Buffer }> {
    const [o] = await sql`select o.id, o.name, o.metadata, b.data
      from storage.objects o join storage_local.blobs b on b.object_id = o.id
      where o.bucket_id = ${bucket} and o.name = ${name}`;
    if (!o) throw storageErrors.noSuchKey();
    return o as StoredObject & { data: Buffer };
  }

  function sendObject(
    req: IncomingMessage,
    res: ServerResponse,
    o: StoredObject & { data?: Buffer },
    download: string | null,
  ) {
    const m = o.metadata ?? {};
    const data = o.data ?? Buffer.alloc(0);
    const headers: Record<string, string> = {
      ...CORS,
      'Content-Type': String(m.mimetype ?? 'application/octet-stream'),
      'Content-Length': String(data.length),
      'Cache-Control': String(m.cacheControl ?? 'no-cache'),
      ETag: String(m.eTag ?? ''),
      'Last-Modified': new Date(String(m.lastModified ?? Date.now())).toUTCString(),
    };
    if (download !== null) {
      const file = download || (o.name.split('/').pop() ?? o.name);
      headers['Content-Disposition'] = `attachment; filename=${encodeURIComponent(file)};`;
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : data);
  }

  async function sign(req: IncomingMessage, res: ServerResponse, path: string, rest: string) {
    const segments = decodeSegments(rest);
    const body = await jsonBody(req);
    const expiresIn = expiresInOf(body);
    if (segments.length === 1) {
      // Many at once: one answer per path, an error for those the caller may not read.
      const paths = Array.isArray(body.paths) ? body.paths.map(String) : null;
      if (!paths) throw storageErrors.invalidParameter('body/paths must be an array');
      const out = [];
      for (const p of paths) {
        try {
          await visibleObject(req, path, segments[0], p, false);
          const token = await signObjectToken(opts.jwtSecret, `${segments[0]}/${p}`, expiresIn);
          out.push({
            error: null,
            path: p,
            signedURL: `/object/sign/${segments[0]}/${p}?token=${token}`,
          });
        } catch (e) {
          if (!(e instanceof StorageError) || e.code !== 'NoSuchKey') throw e;
          out.push({
            error: 'Either the object does not exist or you do not have access to it',
            path: p,
            signedURL: null,
          });
        }
      }
      return sendJson(res, 200, out);
    }
    const { bucket, name } = splitBucketAndName(segments);
    await visibleObject(req, path, bucket, name, false);
    const token = await signObjectToken(opts.jwtSecret, `${bucket}/${name}`, expiresIn);
    // Not percent-encoded: storage-js passes the whole URL through encodeURI.
    sendJson(res, 200, { signedURL: `/object/sign/${bucket}/${name}?token=${token}` });
  }

  async function remove(req: IncomingMessage, res: ServerResponse, path: string, bucket: string) {
    const caller = callerOf(req, opts.jwtSecret);
    const body = await jsonBody(req);
    const prefixes = Array.isArray(body.prefixes) ? body.prefixes.map(String) : null;
    if (!prefixes) throw storageErrors.invalidParameter('body/prefixes must be an array');
    const rows = await asCaller(
      sql,
      caller,
      req,
      path,
      (tx) =>
        tx`delete from storage.objects where bucket_id = ${bucket} and name = any(${prefixes})
         returning id, bucket_id, name, owner, owner_id, metadata, created_at, updated_at,
                   last_accessed_at, version, user_metadata`,
    );
    sendJson(res, 200, rows);
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string) {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://local');
    const read = method === 'GET' || method === 'HEAD';
    const signed = /^\/object\/sign\/(.+)$/.exec(path);
    const pub = /^\/object\/public\/(.+)$/.exec(path);
    const list = /^\/object\/list\/([^/]+)$/.exec(path);
    const object = /^\/object\/(?:authenticated\/)?(.+)$/.exec(path);
    if (signed) {
      const m = signed;
      if (method === 'POST') return sign(req, res, path, m[1]);
      if (read) {
        const { bucket, name } = splitBucketAndName(decodeSegments(m[1]));
        const token = url.searchParams.get('token');
        if (!token)
          throw storageErrors.invalidParameter("querystring must have required property 'token'");
        await checkObjectToken(opts.jwtSecret, token, `${bucket}/${name}`);
        return sendObject(
          req,
          res,
          await ownerRead(bucket, name),
          url.searchParams.get('download'),
        );
      }
    }
    if (pub && read) {
      const m = pub;
      const { bucket, name } = splitBucketAndName(decodeSegments(m[1]));
      if (!(await bucketOf(bucket)).public) throw storageErrors.noSuchBucket();
      return sendObject(req, res, await ownerRead(bucket, name), url.searchParams.get('download'));
    }
    if (list && method === 'POST') {
      const m = list;
      const caller = callerOf(req, opts.jwtSecret);
      const bucket = decodeSegments(m[1])[0];
      await bucketOf(bucket);
      const body = await jsonBody(req);
      const rows = await asCaller(sql, caller, req, path, (tx) => listObjects(tx, bucket, body));
      return sendJson(res, 200, rows);
    }
    if (object) {
      const m = object;
      const segments = decodeSegments(m[1]);
      if (method === 'DELETE' && segments.length === 1) return remove(req, res, path, segments[0]);
      if (method === 'POST' || method === 'PUT') return upload(req, res, path, m[1]);
      if (read) {
        const { bucket, name } = splitBucketAndName(segments);
        const o = await visibleObject(req, path, bucket, name, true);
        return sendObject(req, res, o, url.searchParams.get('download'));
      }
    }
    throw storageErrors.notFound(`${method}:${path}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, path: string) {
    if (req.method === 'OPTIONS') {
      res.writeHead(200, {
        ...CORS,
        'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
        'Access-Control-Allow-Headers':
          'authorization, apikey, x-client-info, content-type, x-upsert, cache-control, x-metadata',
        'Access-Control-Max-Age': '86400',
      });
      res.end();
      return;
    }
    try {
      await route(req, res, path);
    } catch (e) {
      if (res.headersSent) {
        res.destroy(e instanceof Error ? e : undefined);
        return;
      }
      const err = fromDatabaseError(e);
      sendJson(res, err.userStatusCode, err.body());
    }
  }

  return { handle, close: () => sql.end({ timeout: 5 }) };
}
