import {
  bool,
  char,
  date,
  float,
  int,
  type ModelDef,
  m2m,
  m2o,
  model,
  money,
  o2m,
  sel,
} from './catalog-fields.ts';
import type { VersionTraits } from './versions.ts';

/** Companies, users, currencies and partners (the `res.*` models), per version. */
export function resModels(t: VersionTraits): ModelDef[] {
  return [
    model(
      'res.company',
      'Companies',
      'sequence, name',
      [
        char('name', 'Company Name', { required: true }),
        m2o('currency_id', 'Currency', 'res.currency', { required: true }),
        t.branches && m2o('parent_id', 'Parent Company', 'res.company'),
        m2o('partner_id', 'Partner', 'res.partner', { required: true }),
        m2o('country_id', 'Country', 'res.country'),
        int('sequence', 'Sequence'),
        bool('active', 'Active'),
      ],
      { activeField: 'active', companyField: 'self' },
    ),
    model('res.country', 'Country', 'name', [
      char('name', 'Country Name', { required: true, translate: true }),
      char('code', 'Country Code', { required: true }),
    ]),
    model(
      'res.users',
      'User',
      'name, login',
      [
        char('name', 'Name', { required: true }),
        char('login', 'Login', { required: true }),
        m2o('company_id', 'Company', 'res.company', { required: true }),
        m2m('company_ids', 'Companies', 'res.company'),
        bool('active', 'Active'),
      ],
      { activeField: 'active' },
    ),
    model(
      'res.currency',
      'Currency',
      'active desc, name',
      [
        char('name', 'Currency', { required: true }),
        char('full_name', 'Name', { translate: true }),
        char('symbol', 'Symbol', { required: true }),
        float('rounding', 'Rounding Factor'),
        int('decimal_places', 'Decimal Places', { readonly: true }),
        sel('position', 'Symbol Position', [
          ['after', 'After Amount'],
          ['before', 'Before Amount'],
        ]),
        float('rate', 'Current Rate', { store: false, readonly: true, compute: 'currency_rate' }),
        bool('active', 'Active'),
      ],
      { activeField: 'active' },
    ),
    model(
      'res.currency.rate',
      'Currency Rate',
      'name desc',
      [
        date('name', 'Date', { required: true }),
        float('rate', 'Technical Rate'),
        m2o('currency_id', 'Currency', 'res.currency', { required: true, readonly: true }),
        m2o('company_id', 'Company', 'res.company'),
      ],
      { companyField: 'company_id' },
    ),
    model(
      'res.partner',
      'Contact',
      'complete_name ASC, id DESC',
      [
        char('name', 'Name'),
        char('complete_name', 'Complete Name', { readonly: true }),
        bool('active', 'Active'),
        bool('is_company', 'Is a Company'),
        m2o('parent_id', 'Related Company', 'res.partner'),
        o2m('child_ids', 'Contact', 'res.partner', 'parent_id'),
        sel('type', 'Address Type', [
          ['contact', 'Contact'],
          ['invoice', 'Invoice Address'],
          ['delivery', 'Delivery Address'],
          ['other', 'Other Address'],
        ]),
        char('ref', 'Reference'),
        char('vat', 'Tax ID'),
        char('email', 'Email'),
        char('phone', 'Phone'),
        m2o('country_id', 'Country', 'res.country'),
        int('customer_rank', 'Customer Rank'),
        int('supplier_rank', 'Supplier Rank'),
        m2o('company_id', 'Company', 'res.company'),
        m2o('commercial_partner_id', 'Commercial Entity', 'res.partner', { readonly: true }),
        // ir.property (not stored) before 18, a jsonb column from 18 (reference §7).
        m2o('property_account_receivable_id', 'Account Receivable', 'account.account', {
          store: t.jsonbCompanyDependent,
          companyDependent: true,
          companyDefault: 'asset_receivable',
        }),
        m2o('property_account_payable_id', 'Account Payable', 'account.account', {
          store: t.jsonbCompanyDependent,
          companyDependent: true,
          companyDefault: 'liability_payable',
        }),
        money('credit', 'Total Receivable', { store: false, readonly: true, compute: 'zero' }),
      ],
      { activeField: 'active', companyField: 'company_id' },
    ),
  ];
}
