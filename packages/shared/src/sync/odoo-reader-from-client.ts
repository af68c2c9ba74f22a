import type { OdooClient } from '../odoo/client.ts';
import type { OdooConfig } from '../odoo/config.ts';
import { Decoded } from '../odoo/transport.ts';
import type { OdooFieldInfo } from './columns.ts';
import type { GroupRow, OdooReader } from './odoo-reader.ts';

const FIELD_ATTRIBUTES = ['type', 'store', 'relation', 'string', 'company_dependent'];

/** The first Odoo whose search_read takes `load` (read has it in every version). */
const LOAD_IDS_FROM = 16;

/** The sync engine's view of Odoo, over the project's client (any transport). */
export function readerFromClient(
  client: OdooClient,
  config: Pick<OdooConfig, 'lang' | 'companyIds' | 'readNames'>,
): OdooReader {
  // load='' (16+): many2one values come as bare ids, so Odoo skips computing the display name
  // of every many2one of every row, which the copy does not keep. Older or unknown versions
  // keep the classic read ([id, name]; the encoders take both), as does ODOO_READ_NAMES.
  let idsOnly: Promise<string | undefined> | undefined;
  const load = () => {
    if (config.readNames) return Promise.resolve(undefined);
    idsOnly ??= client.version().then(
      ({ major }) => (major >= LOAD_IDS_FROM ? '' : undefined),
      () => {
        idsOnly = undefined; // asked again next time
        return undefined;
      },
    );
    return idsOnly;
  };
  return {
    lang: config.lang,
    async fieldsGet(model, context) {
      return (await client.fieldsGet(model, { attributes: FIELD_ATTRIBUTES, context })) as Record<
        string,
        OdooFieldInfo
      >;
    },
    async searchRead(model, domain, fields, { limit, order, context }) {
      return client.searchRead(model, domain, {
        fields,
        limit: limit || undefined,
        order,
        context,
        load: await load(),
      });
    },
    async searchReadOrDecode(model, domain, fields, { limit, order, context }, fromBody) {
      let declined = false;
      const got: unknown = await client.searchRead(model, domain, {
        fields,
        limit: limit || undefined,
        order,
        context,
        load: await load(),
        decodeBody: (body, enveloped) => {
          const page = fromBody(body, enveloped);
          declined = page === undefined;
          return declined ? undefined : new Decoded(page);
        },
      });
      return got instanceof Decoded
        ? { decoded: got.value }
        : { records: got as Record<string, unknown>[], declined };
    },
    search(model, domain, { order, limit, context }) {
      return client.search(model, domain, { order, limit, context });
    },
    searchCount(model, domain, context) {
      return client.searchCount(model, domain, { context });
    },
    async read(model, ids, fields, context) {
      return client.read(model, ids, { fields, context, load: await load() });
    },
    async monthlyTotals(model, domain, dateField, sumFields, context): Promise<GroupRow[]> {
      const group = `${dateField}:month`;
      const aggregates = sumFields.map((f) => `${f}:sum`);
      const rows = await client.readGroup(model, domain, { groupBy: [group], aggregates, context });
      return rows.map((r) => {
        const first = r.groups[group];
        return {
          key: typeof first === 'string' ? first.slice(0, 7) : null,
          count: r.count,
          sums: Object.fromEntries(
            sumFields.map((f, i) => [f, Number(r.aggregates[aggregates[i]] || 0)]),
          ),
        };
      });
    },
    serverNow: () => client.serverNow(),
    async serverVersion() {
      return (await client.version()).major;
    },
    async userCompanyIds() {
      if (config.companyIds?.length) return config.companyIds;
      // The res.company record rule shows a user exactly the companies they belong to;
      // archived ones too (active_test off), or their records would look deleted.
      return client.search('res.company', [], {
        order: 'id asc',
        context: { lang: config.lang, active_test: false },
      });
    },
  };
}
