// A tiny backtracking cursor for the query-string grammars. It records the furthest
// failure so parse errors can report a Parsec-like "(line 1, column N)" position.

export class ParseFailure extends Error {
  constructor(
    readonly offset: number,
    readonly details: string,
  ) {
    super(details);
    this.name = 'ParseFailure';
  }
}

export class TextCursor {
  pos = 0;
  private failPos = -1;
  private failExpected: string[] = [];
  private failMessage: string | undefined;

  constructor(readonly input: string) {}

  get done(): boolean {
    return this.pos >= this.input.length;
  }

  peek(offset = 0): string {
    return this.input[this.pos + offset] ?? '';
  }

  startsWith(text: string): boolean {
    return this.input.startsWith(text, this.pos);
  }

  /** Consumes `text` if present. */
  eat(text: string): boolean {
    if (this.startsWith(text)) {
      this.pos += text.length;
      return true;
    }
    this.expect(JSON.stringify(text));
    return false;
  }

  /** Notes what was expected at the current position, for the error details. */
  expect(what: string): void {
    if (this.pos > this.failPos) {
      this.failPos = this.pos;
      this.failExpected = [];
      this.failMessage = undefined;
    }
    if (this.pos === this.failPos && !this.failExpected.includes(what))
      this.failExpected.push(what);
  }

  /** A custom failure message (Parsec's `parserFail`), reported at the current position. */
  failWith(message: string, at = this.pos): never {
    if (at >= this.failPos) {
      this.failPos = at;
      this.failMessage = message;
    }
    throw this.failure();
  }

  failure(): ParseFailure {
    const at = Math.max(this.failPos, this.pos);
    if (this.failMessage !== undefined && at === this.failPos) {
      return new ParseFailure(at, this.failMessage);
    }
    const ch = this.input[at];
    const unexpected =
      ch === undefined ? 'unexpected end of input' : `unexpected ${JSON.stringify(ch)}`;
    const expected = at === this.failPos ? this.failExpected : [];
    const expecting = expected.length === 0 ? '' : ` expecting ${joinOr(expected)}`;
    return new ParseFailure(at, `${unexpected}${expecting}`);
  }

  fail(): never {
    throw this.failure();
  }

  /** Runs `fn`; on failure restores the position and returns undefined (Parsec's `try`). */
  attempt<T>(fn: () => T): T | undefined {
    const start = this.pos;
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof ParseFailure)) throw err;
      this.pos = start;
      return undefined;
    }
  }

  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
}

function joinOr(items: string[]): string {
  if (items.length === 1) return items[0];
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
