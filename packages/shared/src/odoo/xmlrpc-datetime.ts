/**
 * An XML-RPC `<dateTime.iso8601>` kept as the text the peer sent (like Python's
 * `xmlrpc.client.DateTime`): the type carries no timezone, so turning it into a `Date` would
 * invent one. Odoo itself sends datetimes as plain strings and never uses this type.
 */
export class XmlRpcDateTime {
  constructor(readonly value: string) {}

  /** Reads `YYYYMMDDTHH:MM:SS` (dashes optional) as UTC; `undefined` if it is another form. */
  toUtcDate(): Date | undefined {
    const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(this.value);
    if (!m) return undefined;
    return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  }

  toString(): string {
    return this.value;
  }

  /** The form Python's marshaller writes for a naive datetime. */
  static fromDate(d: Date): XmlRpcDateTime {
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return new XmlRpcDateTime(
      `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T` +
        `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`,
    );
  }
}
