import fc from 'fast-check';
import { orderIdFor, storeIdFor } from '../../src/commands/ids';

/**
 * What the API fuzz sends: for every field of every mutation input, a value
 * that is mostly valid (so the other fields' checks are reached) and
 * otherwise of the wrong type, empty or huge, full of unicode, control
 * characters, lone surrogates or injection text, null or left out.
 */

/** A JSON token written as it is (1e999, -0): what JSON.stringify cannot produce. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** An enum value: a string in variables, a bare name in a document's literal. */
export class EnumValue {
  constructor(readonly name: string) {}
}

/** JSON text of a generated value; `undefined` members are left out, as JSON.stringify does. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (value instanceof EnumValue) return JSON.stringify(value.name);
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : toJsonText(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    // Object.entries sees an own "__proto__" key (made with Object.fromEntries) like any other.
    const members = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([key, v]) => `${JSON.stringify(key)}:${toJsonText(v)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const graphqlName = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** The value as a GraphQL literal in the document: strings quoted, enums bare, NaN as a name. */
export function toGraphqlLiteral(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (value instanceof RawJson) return value.text;
  if (value instanceof EnumValue)
    return graphqlName.test(value.name) ? value.name : JSON.stringify(value.name);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(toGraphqlLiteral).join(' ')}]`;
  if (typeof value === 'object') {
    const fields = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([key, v]) => `${key}: ${toGraphqlLiteral(v)}`);
    return `{${fields.join(', ')}}`;
  }
  return 'null';
}

// ---------------------------------------------------------------- fixtures

/** The stores and orders the test seeds before fuzzing; the arbitraries aim at them often. */
export const SHOPS = {
  shopifyPro: 'fuzz-shopify-pro',
  shopifyFree: 'fuzz-shopify-free',
  wixFree: 'fuzz-wix-free',
  bigcommerceEnterprise: 'fuzz-bigcommerce-ent',
} as const;
export const STORE_IDS = Object.values(SHOPS).map(storeIdFor);
export const SHOPIFY_PRO_STORE = storeIdFor(SHOPS.shopifyPro);
/** Orders of the Shopify PRO store, by TikTok order id. */
export const ORDERS = {
  blocked: 'FZ-BLOCKED',
  failed: 'FZ-FAILED',
  synced: 'FZ-SYNCED',
  unpaid: 'FZ-UNPAID',
} as const;
export const TIKTOK_ORDER_IDS: string[] = Object.values(ORDERS);
export const ORDER_IDS = TIKTOK_ORDER_IDS.map((id) => orderIdFor(SHOPIFY_PRO_STORE, id));

const PLANS = ['FREE', 'ESSENTIALS', 'PRO', 'ENTERPRISE'];
const PLATFORMS = ['SHOPIFY', 'WOOCOMMERCE', 'BIGCOMMERCE', 'MAGENTO', 'WIX'];
const FBT_SYNC_MODES = ['SYNC_AND_DEDUCT_INVENTORY', 'WAIT_FOR_AWAITING_COLLECTION'];
const FULFILLMENT_TYPES = ['FULFILLED_BY_TIKTOK', 'FULFILLED_BY_SELLER'];
export const TIKTOK_STATUSES = [
  'UNPAID',
  'ON_HOLD',
  'AWAITING_SHIPMENT',
  'PARTIALLY_SHIPPING',
  'AWAITING_COLLECTION',
  'IN_TRANSIT',
  'DELIVERED',
  'COMPLETED',
  'CANCELLED',
];
const SYNC_STATUSES = ['PENDING', 'BLOCKED', 'SYNCED', 'FAILED', 'CANCELLED'];

// ---------------------------------------------------------------- nasty values

const controlCharacter = fc.oneof(
  fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('\u007f', '\u0085', '\u2028', '\u2029', '\u200b', '\ufeff', '\u0000'),
);
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const oddCharacter = fc.oneof(
  controlCharacter,
  loneSurrogate,
  fc.constantFrom(
    '😀',
    '👩‍👩‍👧‍👦',
    '\u202e', // right-to-left override
    '\u0301', // a combining mark with nothing to combine with
    'ش',
    'א',
    ',',
    "'",
    '"',
    '\\',
    '%',
    '\u00a0',
    '\u3000',
  ),
);

/** Strings that have broken parsers, databases and templates before. */
const injections = fc.constantFrom(
  "'; DROP TABLE events; --",
  "' OR '1'='1",
  "1'); SELECT pg_sleep(30); --",
  '$1',
  '\\x00',
  '%s%s%s%n',
  '${7*7}',
  '{{7*7}}',
  '} } mutation { connectStore(input: {}) { store { id } } } #',
  '"\\"',
  '{"a":1}',
  '[]',
  '{}',
  'null',
  'true',
  '__proto__',
  'constructor',
  'prototype',
  '__typename',
  'toString',
  'hasOwnProperty',
  '../../../etc/passwd',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '99999999999999999999',
  '9223372036854775808',
  '0x10',
  '<script>alert(1)</script>',
  'e\u0301\u0301\u0301\u0301\u0301\u0301',
  '\u202eevil\u202c',
  'مرحبا بالعالم',
  'שלום',
  '😀😀😀',
  '\ud800',
  '\udfff',
  'a\ud83db',
  '\u0000',
  'a\u0000b',
  '\t\n\r ',
  '',
  ' ',
);

const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** Up to 300,000 repeats of one character: from empty to well over the 1 MiB body limit. */
const hugeString = fc
  .tuple(
    fc.constantFrom('a', 'é', '😀', '\u0000', ' ', '\ud800', 'a,', '9'),
    fc.integer({ min: 0, max: 300_000 }),
  )
  .map(([character, count]) => character.repeat(count));

/** A valid value with one odd character put somewhere in it. */
const withOddCharacter = (valid: fc.Arbitrary<string>) =>
  fc.tuple(valid, oddCharacter, fc.nat()).map(([text, odd, at]) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + odd + text.slice(i);
  });

export const nastyString = fc.oneof(
  injections,
  fc.string({ unit: codeUnit, maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: oddCharacter, minLength: 1, maxLength: 8 }),
  hugeString,
);

/** Own "__proto__" and "constructor" keys, as a JSON body can carry them. */
const pollutingObjects = fc.constantFrom(
  Object.fromEntries([['__proto__', { admin: true }]]),
  Object.fromEntries([['__proto__', null]]),
  Object.fromEntries([['constructor', { prototype: { polluted: true } }]]),
  { toString: 'x', valueOf: 1 },
);

/** Anything but what the field's type is: numbers, booleans, lists, objects. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant([]),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.constant({}),
  pollutingObjects,
  fc.jsonValue({ maxDepth: 2 }),
);

export const nastyInt: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31),
    -(2 ** 31) - 1,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 53),
    1e21,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    1.5,
    0.1,
    -1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ),
  fc.integer(),
  fc.double(),
  // Numbers JSON.parse reads as Infinity, 0 or a rounded double.
  fc
    .constantFrom('1e999', '-1e999', '-0', '1.0', '1E2', '1e-999', '123456789012345678901234567890')
    .map((text) => new RawJson(text)),
  fc.constantFrom('1', '0', '-1', '1.5', 'NaN', ''),
);

/**
 * A field's value: valid four times in five by default (so a case usually
 * has one or two bad fields and reaches the checks behind them), else nasty,
 * of the wrong type, null, or left out.
 */
export function field(
  valid: fc.Arbitrary<unknown>,
  nasty: fc.Arbitrary<unknown>,
  validWeight = 16,
): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: valid, weight: validWeight },
    { arbitrary: nasty, weight: 2 },
    { arbitrary: wrongType, weight: 1 },
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

function enumField(values: string[]): fc.Arbitrary<unknown> {
  return field(
    fc.constantFrom(...values).map((name) => new EnumValue(name)),
    fc.oneof(
      fc.constantFrom(...values).map((v) => v.toLowerCase()),
      fc.constantFrom(...values).map((v) => ` ${v}`),
      fc
        .constantFrom('UNKNOWN', 'CANCEL', '__proto__', 'constructor', '', 'null')
        .map((name) => new EnumValue(name)),
      fc.integer({ min: 0, max: values.length }),
      nastyString,
    ),
  );
}

/** Random UUIDs, near-UUIDs and the fixtures' ids. */
const nastyId = fc.oneof(
  nastyString,
  fc.uuid().map((id) => id.toUpperCase()),
  fc.uuid().map((id) => `store-${id}`),
  withOddCharacter(fc.constantFrom(...STORE_IDS, ...ORDER_IDS)),
  fc.constantFrom('a'.repeat(100), 'a'.repeat(101), '0', '-1'),
);
const storeId = field(
  fc.oneof(
    { arbitrary: fc.constantFrom(...STORE_IDS), weight: 6 },
    { arbitrary: fc.uuid(), weight: 1 },
  ),
  nastyId,
);

const validInstant = fc.oneof(
  fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z') })
    .map((d) => (Number.isNaN(d.getTime()) ? '2026-11-28T10:15:00.000Z' : d.toISOString())),
  fc.constantFrom('2026-11-28T11:15:00+01:00', '2026-11-28T10:15Z', '2026-11-28T10:15:00.123456Z'),
);
const nastyInstant = fc.oneof(
  fc.constantFrom(
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-28T24:00:00Z',
    '2026-11-28T10:15:60Z',
    '2026-11-28T10:15:00',
    '2026-11-28',
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '0001-01-01T00:30:00+01:00',
    '9999-12-31T23:59:59.999Z',
    '9999-12-31T23:59:59.999-23:59',
    '+275760-09-13T00:00:00.000Z',
    '-000001-01-01T00:00:00Z',
    '2026-11-28T10:15:00.1234567891Z',
    '2026-11-28T10:15:00+24:00',
    '2026-11-28T10:15:00-00:00',
    '2026-11-28T10:15:00z',
    '1764324900000',
    'now',
    'Invalid Date',
  ),
  fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())),
  withOddCharacter(fc.constant('2026-11-28T10:15:00.000Z')),
  nastyString,
);

const validDecimal = fc.oneof(
  fc.constantFrom('12.50', '0', '0.99', '100', '999999999999.99'),
  fc.integer({ min: 0, max: 10_000_000 }).map((cents) => (cents / 100).toFixed(2)),
);
const nastyDecimal = fc.oneof(
  fc.constantFrom(
    '-1',
    '1e3',
    '01.5',
    ' 1',
    '1.',
    '.5',
    '1,00',
    '99999999999999999999',
    '99999999999999999999.99999999999999999999',
    '1000000000000',
    '1.234',
    '0.000000000000000000001',
    '١٢',
    'NaN',
    '',
  ),
  fc.double().map(String),
  withOddCharacter(validDecimal),
  nastyString,
);

const validText = (examples: string[]) =>
  fc.oneof(
    fc.constantFrom(...examples),
    fc.string({ minLength: 1, maxLength: 30 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
  );
const nastyText = (valid: fc.Arbitrary<string>) => fc.oneof(nastyString, withOddCharacter(valid));

/** Unknown members beside the real ones: pollution keys, typos, __typename. */
const extraMembers: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 12 },
  {
    arbitrary: fc
      .constantFrom<[string, unknown]>(
        ['__proto__', { role: 'admin' }],
        ['constructor', { prototype: { polluted: true } }],
        ['unknownField', 1],
        ['__typename', 'Store'],
        ['storeid', 'x'],
      )
      .map((entry) => Object.fromEntries([entry])),
    weight: 1,
  },
);

function input(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const object = fc
    .tuple(fc.record(fields), extraMembers)
    .map(([members, extra]) => ({ ...members, ...extra }));
  // The whole input, now and then, is not an input object at all.
  return fc.oneof({ arbitrary: object, weight: 20 }, { arbitrary: wrongType, weight: 1 });
}

const expectedVersion = field(
  fc.oneof(fc.constant(undefined), fc.integer({ min: -1, max: 6 })),
  nastyInt,
);

const tiktokShopId = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/),
  fc.constantFrom(...Object.values(SHOPS)),
);
const tiktokOrderId = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), weight: 2 },
  { arbitrary: fc.constantFrom(...TIKTOK_ORDER_IDS), weight: 3 },
);

/** Valid more often than other fields: an order has several, and all must be valid to be recorded. */
const LINE_ITEM_VALID_WEIGHT = 60;
const lineItem = input({
  sku: field(
    fc.oneof(fc.constantFrom('MUG-RED', 'SKU-1'), fc.stringMatching(/^[!-~]{1,20}$/)),
    nastyText(fc.constant('MUG-RED')),
    LINE_ITEM_VALID_WEIGHT,
  ),
  title: field(
    fc.oneof(fc.constant(undefined), validText(['Red mug', 'Tasse rouge', '红色杯子'])),
    nastyText(fc.constant('Red mug')),
    LINE_ITEM_VALID_WEIGHT,
  ),
  quantity: field(fc.integer({ min: 1, max: 10_000 }), nastyInt, LINE_ITEM_VALID_WEIGHT),
  unitPrice: field(validDecimal, nastyDecimal, LINE_ITEM_VALID_WEIGHT),
});

/**
 * Copies of one line item are capped at about 2 MiB of JSON in all: a few over
 * the 1 MiB body limit is the point, and 8,000 copies of a 300,000-character
 * title (2.4 GB) only kept the test's own process busy building the request.
 */
const REPEATED_LINE_ITEMS_BYTES = 2 * 1024 * 1024;

/** Empty, one too many, thousands (a few over the 1 MiB body limit), or not line items at all. */
const nastyLineItems = fc.oneof(
  fc.constant([]),
  fc.tuple(lineItem, fc.integer({ min: 249, max: 8000 })).map(([item, count]) => {
    const cap = Math.floor(REPEATED_LINE_ITEMS_BYTES / toJsonText(item).length);
    return Array.from({ length: Math.max(1, Math.min(count, cap)) }, () => item);
  }),
  fc.array(wrongType, { minLength: 1, maxLength: 3 }),
  lineItem,
);

export interface MutationSpec {
  name: string;
  inputType: string;
  /** What the payload selects. */
  selection: string;
  input: fc.Arbitrary<unknown>;
}

const USER_ERRORS = 'userErrors { field message code }';
const STORE_FIELDS =
  'id name tiktokShopId platform shopDomain plan version createdAt availableFbtSyncModes fbtSyncRules { mode orderTag updatedAt updatedBy }';
const ORDER_FIELDS = `id tiktokOrderId fulfillmentType isFbt tiktokStatus syncStatus blockedReason failureReason
  syncAttempts appliedFbtSyncMode platformOrderId platformOrderStatus tags inventoryDeductedFrom
  lineItems { sku title quantity unitPrice } currency totalAmount placedAt syncedAt updatedAt version
  store { id } history { type streamVersion }`;

/** Every mutation of the contract, with an arbitrary of its input. */
export const MUTATIONS: MutationSpec[] = [
  {
    name: 'connectStore',
    inputType: 'ConnectStoreInput',
    selection: `store { ${STORE_FIELDS} } ${USER_ERRORS}`,
    input: input({
      name: field(validText(['Acme', 'Ünïcødé Störe', '店铺']), nastyText(fc.constant('Acme'))),
      tiktokShopId: field(tiktokShopId, nastyText(fc.constant('7494'))),
      platform: enumField(PLATFORMS),
      plan: enumField(PLANS),
      shopDomain: field(
        fc.constantFrom('acme.myshopify.com', 'Shop-1.MyShopify.com ', undefined),
        nastyText(fc.constant('acme.myshopify.com')),
      ),
    }),
  },
  {
    name: 'changeStorePlan',
    inputType: 'ChangeStorePlanInput',
    selection: `store { ${STORE_FIELDS} } ${USER_ERRORS}`,
    input: input({ storeId, plan: enumField(PLANS), expectedVersion }),
  },
  {
    name: 'updateFbtSyncRules',
    inputType: 'UpdateFbtSyncRulesInput',
    selection: `store { id version } fbtSyncRules { mode orderTag updatedAt updatedBy } ${USER_ERRORS}`,
    input: input({
      storeId,
      mode: enumField(FBT_SYNC_MODES),
      orderTag: field(
        fc.oneof(
          fc.constantFrom(null, 'FBT', ' TikTok FBT ', '😀'),
          fc.stringMatching(/^\w{1,40}$/),
        ),
        nastyText(fc.constant('FBT')),
      ),
      expectedVersion,
    }),
  },
  {
    name: 'recordTikTokOrder',
    inputType: 'RecordTikTokOrderInput',
    selection: `order { ${ORDER_FIELDS} } ${USER_ERRORS}`,
    input: input({
      storeId,
      tiktokOrderId: field(tiktokOrderId, nastyText(fc.constant('576000000000000001'))),
      fulfillmentType: enumField(FULFILLMENT_TYPES),
      status: enumField(TIKTOK_STATUSES),
      lineItems: field(fc.array(lineItem, { minLength: 1, maxLength: 4 }), nastyLineItems),
      currency: field(
        fc.constantFrom('USD', 'JPY', 'KWD', 'EUR', 'GBP'),
        nastyText(fc.constantFrom('USD', 'XXX', 'usd', 'US', 'ÜSD')),
      ),
      placedAt: field(validInstant, nastyInstant),
    }),
  },
  {
    name: 'recordTikTokOrderStatus',
    inputType: 'RecordTikTokOrderStatusInput',
    selection: `order { ${ORDER_FIELDS} } ${USER_ERRORS}`,
    input: input({
      storeId,
      tiktokOrderId: field(tiktokOrderId, nastyText(fc.constant(ORDERS.blocked))),
      status: enumField(TIKTOK_STATUSES),
      changedAt: field(validInstant, nastyInstant),
    }),
  },
  {
    name: 'retryOrderSync',
    inputType: 'RetryOrderSyncInput',
    selection: `order { ${ORDER_FIELDS} } ${USER_ERRORS}`,
    input: input({
      orderId: field(
        fc.oneof(
          { arbitrary: fc.constantFrom(...ORDER_IDS), weight: 4 },
          { arbitrary: fc.uuid(), weight: 1 },
        ),
        nastyId,
      ),
    }),
  },
];

/** Who sends a request: an admin mostly, or a store (its own store, or one it is not). */
export type Caller = 'admin' | 'ownStore' | 'otherStore';
export const caller: fc.Arbitrary<Caller> = fc.oneof(
  { arbitrary: fc.constant<Caller>('admin'), weight: 6 },
  { arbitrary: fc.constant<Caller>('ownStore'), weight: 2 },
  { arbitrary: fc.constant<Caller>('otherStore'), weight: 1 },
);

// ---------------------------------------------------------------- queries

/** A keyset cursor as the server writes one (tag:milliseconds:id, base64url), with any parts. */
const craftedCursor = fc
  .tuple(
    fc.constantFrom('order', 'store', 'event', 'ORDER', ''),
    fc.oneof(
      fc.constantFrom('0', '999999999999999', '1764324900000', '-1', '1e3'),
      fc.bigInt({ min: 0n, max: 10n ** 16n }).map(String),
    ),
    fc.oneof(fc.constantFrom(...STORE_IDS, ...ORDER_IDS), nastyId),
  )
  .map(([tag, ms, id]) => Buffer.from(`${tag}:${ms}:${id}`).toString('base64url'));

/** Global positions and checkpoints near and past bigint and xid8's ranges. */
const eventPosition = fc.oneof(
  fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String),
  fc.constantFrom(
    '0',
    '1',
    '9223372036854775807',
    '9223372036854775808',
    '9999999999999999999',
    '0/0',
    '18446744073709551615/9223372036854775807',
    '99999999999999999999/9999999999999999999',
    '1/-1',
    '-1',
  ),
  fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.bigInt({ min: 0n, max: 10n ** 19n }))
    .map(([tx, position]) => `${tx}/${position}`),
);

const cursor = (valid: () => string[]) =>
  field(
    fc.oneof(
      fc.constant(undefined),
      fc.nat().map((i) => {
        const known = valid();
        return known.length === 0 ? undefined : known[i % known.length];
      }),
    ),
    fc.oneof(craftedCursor, eventPosition, nastyString),
  );

const first = field(
  fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 100 })),
  fc.oneof(nastyInt, fc.integer({ min: -5, max: 200 })),
);

const orderFilter = field(
  fc.oneof(
    fc.constant(undefined),
    input({
      syncStatus: field(
        fc.oneof(fc.constant(undefined), fc.subarray(SYNC_STATUSES.map((s) => new EnumValue(s)))),
        fc.array(enumField(SYNC_STATUSES), { maxLength: 3 }),
      ),
      tiktokStatus: field(
        fc.oneof(fc.constant(undefined), fc.subarray(TIKTOK_STATUSES.map((s) => new EnumValue(s)))),
        fc.array(enumField(TIKTOK_STATUSES), { maxLength: 3 }),
      ),
      fulfillmentType: field(fc.constant(undefined), enumField(FULFILLMENT_TYPES)),
      tiktokOrderId: field(fc.oneof(fc.constant(undefined), tiktokOrderId), nastyString),
      placedAfter: field(fc.oneof(fc.constant(undefined), validInstant), nastyInstant),
      placedBefore: field(fc.oneof(fc.constant(undefined), validInstant), nastyInstant),
    }),
  ),
  wrongType,
);

export interface QueryCase {
  document: string;
  variables: Record<string, unknown>;
}

const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

/** Every query of the contract, with fuzzed arguments; `cursors` are those the server handed out. */
export function queryCase(cursors: { stores: () => string[]; orders: () => string[] }) {
  return fc.oneof(
    fc.record({ first, after: cursor(cursors.stores) }).map((variables): QueryCase => ({
      document: `query($first: Int, $after: String) { stores(first: $first, after: $after) {
          totalCount edges { cursor node { id name version } } ${PAGE_INFO} } }`,
      variables,
    })),
    fc
      .record({
        id: storeId,
        first,
        after: cursor(cursors.orders),
        filter: orderFilter,
        skus: field(
          fc.oneof(fc.constant(undefined), fc.array(fc.constantFrom('MUG-RED', 'SKU-1'))),
          fc.oneof(fc.array(nastyString, { maxLength: 4 }), nastyString),
        ),
      })
      .map((variables): QueryCase => ({
        document: `query($id: ID!, $first: Int, $after: String, $filter: OrderFilter, $skus: [String!]) {
            store(id: $id) { id name fbtSyncRules { mode orderTag } orderCounts { pending blocked synced failed cancelled }
              inventoryDeductions(skus: $skus) { sku location quantity }
              orders(first: $first, after: $after, filter: $filter) {
                totalCount edges { cursor node { id tiktokOrderId syncStatus tags totalAmount } } ${PAGE_INFO} } } }`,
        variables,
      })),
    fc
      .record({ id: field(fc.constantFrom(...ORDER_IDS), nastyId) })
      .map((variables): QueryCase => ({
        document: `query($id: ID!) { order(id: $id) { id syncStatus lineItems { sku } store { id }
          history { globalPosition streamId type data metadata recordedAt } } }`,
        variables,
      })),
    fc
      .record({
        storeId,
        tiktokOrderId: field(tiktokOrderId, nastyString),
      })
      .map((variables): QueryCase => ({
        document: `query($storeId: ID!, $tiktokOrderId: String!) {
            orderByTikTokId(storeId: $storeId, tiktokOrderId: $tiktokOrderId) { id tiktokOrderId syncStatus } }`,
        variables,
      })),
    fc
      .record({
        after: field(fc.oneof(fc.constant(undefined), eventPosition), nastyString),
        first: field(
          fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 100 })),
          fc.oneof(nastyInt, fc.integer({ min: -5, max: 200 })),
        ),
        streamId: field(
          fc.oneof(
            fc.constant(undefined),
            fc.constantFrom(...STORE_IDS.map((id) => `store-${id}`)),
            fc.constantFrom(...ORDER_IDS.map((id) => `order-${id}`)),
          ),
          nastyString,
        ),
        types: field(
          fc.oneof(
            fc.constant(undefined),
            fc.subarray(['OrderPlaced', 'StoreConnected', 'OrderSynced', 'OrderBlocked']),
          ),
          fc.oneof(
            fc.array(nastyString, { maxLength: 4 }),
            fc.array(fc.string(), { minLength: 101, maxLength: 150 }),
          ),
        ),
      })
      .map((variables): QueryCase => ({
        document: `query($after: String, $first: Int, $streamId: String, $types: [String!]) {
            events(after: $after, first: $first, streamId: $streamId, types: $types) {
              events { globalPosition streamId streamVersion type data metadata recordedAt } lastPosition hasMore } }`,
        variables,
      })),
    fc.constant<QueryCase>({
      document: '{ projections { name position lag } }',
      variables: {},
    }),
  );
}

// ---------------------------------------------------------------- raw bodies

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/jsonx',
  'application/graphql',
  'application/graphql-response+json',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '*/*',
  '',
];
/** Header values fetch can send: printable ASCII. */
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 60,
});
/** Null: no Content-Type header at all. */
export const contentType: fc.Arbitrary<string | null> = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 8 },
  { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 3 },
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: headerText, weight: 1 },
);

export interface RawRequest {
  body: string | Buffer;
  contentType: string | null;
  /** Undefined: an admin token; null: none; else the header as is. */
  authorization?: string | null;
  /** Whether it may write (a document with a mutation in it). */
  what: string;
}

const mutationDocument = (spec: MutationSpec, inputLiteral: string) =>
  `mutation { ${spec.name}(input: ${inputLiteral}) { ${spec.selection} } }`;

const nest = (open: string, close: string, inner: string, depth: number) =>
  open.repeat(depth) + inner + close.repeat(depth);

/** Bodies that are not the JSON of one well-formed request, and requests that are odd in shape. */
export const rawRequest: fc.Arbitrary<RawRequest> = fc.oneof(
  // Not JSON: truncated, invalid tokens, random bytes, invalid UTF-8, a BOM, a JSON value that is not an object.
  fc
    .tuple(
      fc.constantFrom(...MUTATIONS),
      fc.nat(),
      fc.constantFrom(
        '{',
        '{"query":',
        '{"query": "{ stores { totalCount } }"',
        'null',
        '[]',
        '"query"',
        '123',
        'true',
        '{"query": "{ __typename }", "variables": {"n": NaN}}',
        '{"query": "{ __typename }", "variables": {"n": 0x10}}',
        '{"query": "{ __typename }", "variables": {"n": +1}}',
        '{"query": "{ __typename }", "variables": {"n": 01}}',
        "{'query': '{ __typename }'}",
        '{"query": "{ __typename }",}',
        '\ufeff{"query": "{ __typename }"}',
        '{"query": "{ __typename }"}\u0000',
        '{"query": "{ __typename }"} {"query": "{ __typename }"}',
      ),
      contentType,
    )
    .map(([spec, cut, fixed, type]) => {
      const whole = JSON.stringify({
        query: mutationDocument(spec, '{}'),
      });
      const body = cut % 3 === 0 ? whole.slice(0, cut % whole.length) : fixed;
      return { body, contentType: type, what: 'not JSON' };
    }),
  fc.tuple(fc.uint8Array({ maxLength: 200 }), contentType).map(([bytes, type]) => ({
    body: Buffer.from(bytes),
    contentType: type,
    what: 'random bytes',
  })),
  fc.constantFrom<RawRequest>({
    body: Buffer.concat([
      Buffer.from('{"query": "{ store(id: \\"'),
      Buffer.from([0xff, 0xfe, 0xc0, 0x80]),
      Buffer.from('\\") { id } }"}'),
    ]),
    contentType: 'application/json',
    what: 'invalid UTF-8',
  }),
  // JSON, but not a request: no query, query of another type, variables that are not an object, a batch.
  fc
    .tuple(
      fc.record({
        query: fc.oneof(
          fc.constant(undefined),
          wrongType,
          nastyString,
          fc.constant('{ __typename }'),
        ),
        variables: fc.oneof(fc.constant(undefined), wrongType),
        operationName: fc.oneof(fc.constant(undefined), wrongType, nastyString),
        extensions: fc.oneof(
          fc.constant(undefined),
          wrongType,
          fc.constant({ persistedQuery: { version: 1, sha256Hash: 'abc' } }),
          fc.constant({ persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } }),
        ),
      }),
      fc.boolean(),
      contentType,
    )
    .map(([request, batch, type]) => ({
      body: batch ? `[${toJsonText(request)},${toJsonText(request)}]` : toJsonText(request),
      contentType: type,
      what: 'odd request',
    })),
  // Deeply nested: JSON variables, a document's selections, a list literal in an argument.
  fc
    .tuple(
      fc.integer({ min: 1, max: 200_000 }),
      fc.constantFrom('array', 'object', 'selection', 'literal', 'variables-list'),
    )
    .map(([depth, kind]): RawRequest => {
      const deepJson =
        kind === 'array' ? nest('[', ']', '1', depth) : nest('{"a":', '}', '1', depth);
      const query =
        kind === 'selection'
          ? nest('{ stores { edges { node { ', '} } } }', 'id ', Math.ceil(depth / 50))
          : kind === 'literal'
            ? `mutation { retryOrderSync(input: {orderId: ${nest('[', ']', '"x"', Math.min(depth, 100_000))}}) { userErrors { code } } }`
            : 'mutation($input: RecordTikTokOrderInput!) { recordTikTokOrder(input: $input) { userErrors { code } } }';
      const variables =
        kind === 'variables-list'
          ? `{"input": {"storeId": "${SHOPIFY_PRO_STORE}", "tiktokOrderId": "DEEP", "fulfillmentType": "FULFILLED_BY_SELLER", "status": "AWAITING_SHIPMENT", "currency": "USD", "placedAt": "2026-11-28T10:15:00Z", "lineItems": ${nest('[', ']', '{"sku": "A", "quantity": 1, "unitPrice": "1"}', Math.min(depth, 100_000))}}}`
          : kind === 'selection' || kind === 'literal'
            ? '{}'
            : `{"input": ${deepJson}}`;
      return {
        body: `{"query": ${JSON.stringify(query)}, "variables": ${variables}}`,
        contentType: 'application/json',
        what: `nested ${kind} ${depth} deep`,
      };
    }),
  // Around the 1 MiB limit: a valid request padded with whitespace to just under or just over it.
  fc.integer({ min: -64, max: 64 }).map((offset): RawRequest => {
    const request = JSON.stringify({ query: '{ stores(first: 1) { totalCount } }' });
    const size = 1024 * 1024 + offset;
    return {
      body: request.slice(0, -1) + ' '.repeat(Math.max(0, size - request.length)) + '}',
      contentType: 'application/json',
      what: `${size} bytes`,
    };
  }),
  // Many operations, or many aliased mutations, in one document.
  fc
    .tuple(
      // Up to the complexity limit (98 mutations of this cost), then past it: refused before they run.
      fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: 100 }), weight: 8 },
        { arbitrary: fc.constantFrom(3334, 5000), weight: 1 },
      ),
      fc.boolean(),
      fc.oneof(fc.constant(undefined), nastyString, fc.constantFrom('op0', 'op1', 'op4999')),
    )
    .map(([count, aliases, operationName]): RawRequest => {
      const call = `retryOrderSync(input: {orderId: "${ORDER_IDS[1]}"}) { userErrors { code } }`;
      const query = aliases
        ? `mutation { ${Array.from({ length: count }, (_, i) => `a${i}: ${call}`).join(' ')} }`
        : Array.from({ length: count }, (_, i) => `mutation op${i} { ${call} }`).join('\n');
      return {
        body: toJsonText({ query, operationName }),
        contentType: 'application/json',
        what: aliases ? `${count} aliased mutations` : `${count} operations`,
      };
    }),
  // A good request with a bad or missing token.
  fc
    .oneof(
      fc.constant(null),
      headerText,
      headerText.map((text) => `Bearer ${text}`),
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        'Basic YWRtaW46YWRtaW4=',
        'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.',
        'Bearer a.b.c',
        `Bearer ${'a'.repeat(8000)}.b.c`,
      ),
    )
    .map((authorization): RawRequest => ({
      body: JSON.stringify({
        query: `mutation { retryOrderSync(input: {orderId: "${ORDER_IDS[1]}"}) { userErrors { code } } }`,
      }),
      contentType: 'application/json',
      authorization,
      what: 'a bad token',
    })),
);

// ---------------------------------------------------------------- webhooks

const webhookId = (valid: fc.Arbitrary<unknown>) =>
  field(
    valid,
    fc.oneof(nastyString, nastyInt, withOddCharacter(fc.constant('7327000000000000001'))),
  );

/** A type 1 notification as TikTok Shop sends one, each field fuzzed. */
const webhookObject = input({
  type: field(fc.constantFrom(1, 1, 1, 2, '1', 14), nastyInt),
  tts_notification_id: webhookId(
    fc.oneof(
      fc.bigInt({ min: 10n ** 18n, max: 10n ** 19n - 1n }).map(String),
      fc.constant('7327000000000000001'),
      fc.bigInt({ min: 10n ** 18n, max: 10n ** 19n - 1n }).map((n) => new RawJson(String(n))),
    ),
  ),
  shop_id: webhookId(fc.constantFrom(SHOPS.shopifyPro, SHOPS.wixFree, '7494000000000000009')),
  timestamp: field(fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }), nastyInt),
  data: field(
    input({
      order_id: webhookId(fc.constantFrom(...TIKTOK_ORDER_IDS, '576000000000000001')),
      order_status: field(
        fc.constantFrom(...TIKTOK_STATUSES, 'CANCEL'),
        fc.oneof(nastyString, enumField(TIKTOK_STATUSES)),
      ),
      is_on_hold_order: field(fc.boolean(), wrongType),
      update_time: field(
        fc.oneof(fc.constant(undefined), fc.integer({ min: 1_600_000_000, max: 1_900_000_000 })),
        fc.oneof(nastyInt, fc.constantFrom('1706000100', '253402300800', '-1')),
      ),
    }),
    wrongType,
  ),
});

export type SignatureKind =
  'valid' | 'valid-uppercase' | 'valid-padded' | 'none' | 'other-secret' | 'truncated';
export interface WebhookCase {
  body: string | Buffer;
  signature: SignatureKind | { header: string };
  contentType: string | null;
}

export const webhookCase: fc.Arbitrary<WebhookCase> = fc.record({
  body: fc.oneof(
    { arbitrary: webhookObject.map(toJsonText), weight: 10 },
    { arbitrary: fc.uint8Array({ maxLength: 100 }).map((bytes) => Buffer.from(bytes)), weight: 1 },
    {
      arbitrary: fc
        .integer({ min: 1, max: 200_000 })
        .map((depth) => nest('{"data":', '}', '1', depth)),
      weight: 1,
    },
    {
      arbitrary: fc
        .integer({ min: -64, max: 64 })
        .map((offset) => ' '.repeat(1024 * 1024 + offset)),
      weight: 1,
    },
  ),
  signature: fc.oneof(
    {
      arbitrary: fc.constantFrom<SignatureKind>(
        'valid',
        'valid',
        'valid',
        'valid-uppercase',
        'valid-padded',
      ),
      weight: 8,
    },
    { arbitrary: fc.constantFrom<SignatureKind>('none', 'other-secret', 'truncated'), weight: 1 },
    { arbitrary: headerText.map((header) => ({ header })), weight: 1 },
  ),
  contentType,
});
