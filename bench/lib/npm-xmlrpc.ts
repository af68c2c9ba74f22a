// The general-purpose npm `xmlrpc` package's decoder (what odoo-xmlrpc-ts uses), fed the way
// its client feeds it: a byte stream it decodes to text and pipes through sax.
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';

const require = createRequire(import.meta.url);
const Deserializer = require('xmlrpc/lib/deserializer') as new () => {
  deserializeMethodResponse(s: Readable, cb: (err: unknown, value: unknown) => void): void;
};

export function npmXmlrpcDecode(body: Uint8Array): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const stream = new Readable({ read() {} });
    stream.push(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    stream.push(null);
    new Deserializer().deserializeMethodResponse(stream, (err, value) =>
      err ? reject(err) : resolve(value),
    );
  });
}
