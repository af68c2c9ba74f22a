// Whether a text JSON.parse refused is the beginning of some JSON text: what a connection cut
// short leaves (retried), as opposed to a body wrong before its end (a proxy page, a bug; not
// retried). Checked against the JSON grammar token by token, without recursion (bodies may nest
// deeper than any stack) and in one pass.

// Where the scan is: what must come next.
const S = {
  Value: 0, // a value (at the start, after ':', or after ',' in an array)
  ValueOrClose: 1, // just after '[': a value or ']'
  Key: 2, // a member name (after ',' in an object)
  KeyOrClose: 3, // just after '{': a member name or '}'
  Colon: 4,
  After: 5, // a value ended: ',', the container's close, or the end
} as const;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const LITERALS = ['true', 'false', 'null'];

/** True when `t` is a strict prefix of a JSON text (an incomplete one, with no error so far). */
export function isPrefixOfJson(t: string): boolean {
  const stack: number[] = []; // 0x7b '{' or 0x5b '['
  let state: number = S.Value;
  let i = 0;
  const n = t.length;
  const endValue = () => {
    state = S.After;
  };
  while (i < n) {
    const c = t.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (state === S.After) {
      const top = stack[stack.length - 1];
      if (top === undefined) return false; // something after a whole value
      if (c === 0x2c) state = top === 0x7b ? S.Key : S.Value;
      else if ((c === 0x7d && top === 0x7b) || (c === 0x5d && top === 0x5b)) stack.pop();
      else return false;
      i++;
      continue;
    }
    if (state === S.Colon) {
      if (c !== 0x3a) return false;
      state = S.Value;
      i++;
      continue;
    }
    if (state === S.Key || state === S.KeyOrClose) {
      if (c === 0x7d && state === S.KeyOrClose) {
        stack.pop();
        endValue();
        i++;
        continue;
      }
      if (c !== 0x22) return false;
      const end = stringEnd(t, i);
      if (end < 0) return end === -1; // -1: cut inside the name; -2: a bad escape
      i = end;
      state = S.Colon;
      continue;
    }
    // A value (or, just after '[', the close).
    if (c === 0x5d && state === S.ValueOrClose) {
      stack.pop();
      endValue();
      i++;
    } else if (c === 0x7b || c === 0x5b) {
      stack.push(c);
      state = c === 0x7b ? S.KeyOrClose : S.ValueOrClose;
      i++;
    } else if (c === 0x22) {
      const end = stringEnd(t, i);
      if (end < 0) return end === -1;
      i = end;
      endValue();
    } else if (c === 0x2d || isDigit(c)) {
      const end = numberEnd(t, i);
      if (end === -1) return true; // cut inside the number
      if (end < 0) return false;
      i = end;
      endValue();
    } else {
      const word = LITERALS.find((w) => w.charCodeAt(0) === c);
      if (!word) return false;
      const got = t.slice(i, i + word.length);
      if (!word.startsWith(got)) return false;
      if (got.length < word.length) return true; // cut inside the literal
      i += word.length;
      endValue();
    }
  }
  return stack.length > 0 || state !== S.After;
}

/** Index after the string opening at i; -1 when the text ends inside it, -2 on a bad escape. */
function stringEnd(t: string, i: number): number {
  const n = t.length;
  for (let p = i + 1; p < n; p++) {
    const c = t.charCodeAt(p);
    if (c === 0x22) return p + 1;
    if (c < 0x20) return -2;
    if (c !== 0x5c) continue;
    const e = t.charCodeAt(++p);
    if (p >= n) return -1;
    if (e === 0x75) {
      for (let k = 1; k <= 4; k++) {
        if (p + k >= n) return -1;
        if (!isHex(t.charCodeAt(p + k))) return -2;
      }
      p += 4;
    } else if (!'"\\/bfnrt'.includes(t[p])) return -2;
  }
  return -1;
}

/** Index after the number starting at i; -1 when the text ends where it could go on, -2 if bad. */
function numberEnd(t: string, i: number): number {
  const n = t.length;
  let p = i;
  if (t.charCodeAt(p) === 0x2d) p++;
  if (p >= n) return -1;
  if (t.charCodeAt(p) === 0x30) p++;
  else if (isDigit(t.charCodeAt(p))) while (p < n && isDigit(t.charCodeAt(p))) p++;
  else return -2;
  if (p < n && t.charCodeAt(p) === 0x2e) {
    const f = ++p;
    while (p < n && isDigit(t.charCodeAt(p))) p++;
    if (p === n && p === f) return -1;
    if (p === f) return -2;
  }
  if (p < n && (t.charCodeAt(p) | 0x20) === 0x65) {
    p++;
    if (p < n && (t.charCodeAt(p) === 0x2b || t.charCodeAt(p) === 0x2d)) p++;
    const e = p;
    while (p < n && isDigit(t.charCodeAt(p))) p++;
    if (p === n && p === e) return -1;
    if (p === e) return -2;
  }
  // At the very end a number may still go on (more digits); inside a container it may not end
  // the text, so the caller's end-of-text check says "cut short" either way.
  return p;
}
