// A small port of Data.FuzzySet's getOne (gram sizes 3 then 2, cosine similarity,
// Levenshtein rescoring, minimum score 0.33) for PostgREST's "Perhaps you meant" hints.

const MIN_SCORE = 0.33;

const normalize = (s: string) =>
  s
    .toLowerCase()
    .split('')
    .filter((c) => /[\p{L}\p{N}, ]/u.test(c))
    .join('');

function grams(value: string, size: number): Map<string, number> {
  const padded = `-${normalize(value)}-`;
  const out = new Map<string, number>();
  const chars = [...padded];
  while (chars.length < size) chars.push('-');
  for (let i = 0; i + size <= chars.length; i++) {
    const g = chars.slice(i, i + size).join('');
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  for (const [g, n] of a) dot += n * (b.get(g) ?? 0);
  const norm = (m: Map<string, number>) =>
    Math.sqrt([...m.values()].reduce((s, n) => s + n * n, 0));
  const d = norm(a) * norm(b);
  return d === 0 ? 0 : dot / d;
}

function levenshtein(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length];
}

export function fuzzyGetOne(candidates: readonly string[], value: string): string | undefined {
  const target = normalize(value);
  const exact = candidates.find((c) => normalize(c) === target);
  if (exact !== undefined) return exact;
  for (const size of [3, 2]) {
    const g = grams(value, size);
    const scored = candidates
      .map((c) => ({ c, score: cosine(g, grams(c, size)) }))
      .filter((s) => s.score > 0)
      .map(({ c }) => {
        const a = normalize(c);
        const dist = levenshtein(a, target);
        return { c, score: 1 - dist / Math.max(a.length, target.length, 1) };
      })
      .filter((s) => s.score >= MIN_SCORE)
      .sort((p, q) => q.score - p.score);
    if (scored.length > 0) return scored[0].c;
  }
  return undefined;
}
