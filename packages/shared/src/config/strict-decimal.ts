// A setting that may take a fraction (e.g. SYNC_SWEEP_HOURS=0.05 for a fast test cycle) is read
// as plain decimal notation within a range: no exponent, hex, sign or spaces (see strict-int.ts).

/** The value, or a problem naming the setting. */
export function strictDecimal(
  name: string,
  raw: string,
  min: number,
  max: number,
): { value: number } | { problem: string } {
  const range = `a decimal number from ${min} to ${max}`;
  if (!/^[0-9]{1,9}(\.[0-9]{1,6})?$/.test(raw))
    return { problem: `${name} must be ${range}, got "${raw}"` };
  const value = Number(raw);
  if (value < min || value > max) return { problem: `${name} must be ${range}, got ${raw}` };
  return { value };
}
