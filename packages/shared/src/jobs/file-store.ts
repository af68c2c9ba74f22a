// Where finished files go: Supabase Storage in production (storage-js against /storage/v1, as
// the service role), anything with the same one call in tests.
import { StorageClient } from '@supabase/storage-js';
import { JobStorageError } from './errors.ts';

export interface FileStore {
  /** Stores (or replaces: a retried job writes the same path again) the object at `path`. */
  upload(path: string, bytes: Uint8Array, contentType: string): Promise<void>;
}

/** Supabase Storage's bucket `bucket` through the project's API gateway. */
export function storageFileStore(
  supabaseUrl: string,
  serviceKey: string,
  bucket: string,
): FileStore {
  const client = new StorageClient(`${supabaseUrl.replace(/\/$/, '')}/storage/v1`, {
    Authorization: `Bearer ${serviceKey}`,
    apikey: serviceKey,
  });
  return {
    async upload(path, bytes, contentType) {
      const { error } = await client
        .from(bucket)
        .upload(path, bytes, { contentType, upsert: true });
      if (error) {
        const status = Number(
          (error as { statusCode?: string; status?: number }).statusCode ??
            (error as { status?: number }).status,
        );
        throw new JobStorageError(
          `Storage refused ${bucket}/${path}: ${error.message}`,
          Number.isFinite(status) ? status : undefined,
          {
            cause: error,
          },
        );
      }
    },
  };
}
