// Integer settings are read strictly: decimal digits only, within a documented range. Number()
// accepts `1e12`, `0x10`, ` 7 ` and `1.5`, which then pass a `>= min` check and break later
// (an overlap of a trillion minutes, a timer that overflows); here they stop the start instead.

/** The value, or a problem naming the setting. */
export function strictInt(
  name: string,
  raw: string,
  min: number,
  max: number,
): { value: number } | { problem: string } {
  const range = `an integer from ${min} to ${max}`;
  if (!/^[0-9]{1,16}$/.test(raw)) return { problem: `${name} must be ${range}, got "${raw}"` };
  const value = Number(raw);
  if (value < min || value > max) return { problem: `${name} must be ${range}, got ${raw}` };
  return { value };
}

/**
 * An integer setting read from the environment: `fallback` when unset or blank, else exactly
 * what strictInt accepts; a problem becomes the caller's own named error.
 */
export function intSetting(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
  fail: (problem: string) => Error,
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const r = strictInt(name, raw, min, max);
  if ('problem' in r) throw fail(r.problem);
  return r.value;
}
