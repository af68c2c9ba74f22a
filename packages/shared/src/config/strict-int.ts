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
