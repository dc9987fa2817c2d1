import { readFileSync } from 'node:fs';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  buildClientSchema,
  type DocumentNode,
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  type GraphQLSchema,
  type IntrospectionQuery,
  parse,
  validate,
} from 'graphql';
import { createOrderLife } from './fakeShopifyOrderLife';
import {
  createFakeShopifyOAuth,
  type FakeShopifyApp,
  type FakeShopifyOAuth,
} from './fakeShopifyOAuth';

/**
 * A stand-in for Shopify's Admin GraphQL API, 2025-01, on a local port.
 *
 * Every request is checked the way Shopify would: the access token, the
 * Content-Type, then the document parsed and validated against the real
 * schema (test/fixtures/shopify, Shopify's own introspection) and its
 * variables coerced. A request that fails any check is answered like Shopify
 * answers it AND recorded in `validationFailures`, so a test can assert the
 * adapter never sent one.
 *
 * Valid documents run through graphql-js `execute` against that schema with
 * the few root fields we implement: `orders` and `productVariants` (searching
 * `source_identifier:` and `sku:`), `order(id:)`, `job(id:)`, `orderCreate`,
 * and what follows an order's sync: `orderCancel` (a job, as in 2025-01: it
 * runs at the fake's next request, or `cancelJobDelayMs` later),
 * `refundCreate`, `fulfillmentOrderHold`, `fulfillmentOrderReleaseHold` and
 * `orderMarkAsPaid`. Each refuses with userErrors what Shopify refuses: a
 * second cancellation, a refund past what a line or the order has left, a
 * CANCEL restock of shipped units, a second hold with one handle, marking a
 * paid order paid. Restocks go back to the variants' inventoryQuantity.
 *
 * Rate limit: one leaky bucket per shop, like Shopify's, but with a fixed cost
 * per operation instead of Shopify's calculated cost (2 per query, 10 per
 * mutation by default: Shopify charges every mutation at least 10), so tests
 * can count points.
 */

export const ADMIN_API_VERSION = '2025-01';

// test/fixtures, from test/support or (a benchmark's build) dist/test/support.
const FIXTURES = join(
  __dirname,
  ...(__dirname.includes(`${sep}dist${sep}`) ? ['..', '..', '..', 'test'] : ['..']),
  'fixtures',
);
const SCHEMA_FILE = join(FIXTURES, 'shopify', 'admin_schema_2025-01.json.gz');
let schemaCache: GraphQLSchema | undefined;

/** Shopify's Admin API schema, 2025-01, built once per test process. */
export function loadShopifyAdminSchema(): GraphQLSchema {
  if (schemaCache === undefined) {
    const introspection = JSON.parse(gunzipSync(readFileSync(SCHEMA_FILE)).toString('utf8')) as {
      data: IntrospectionQuery;
    };
    schemaCache = buildClientSchema(introspection.data);
  }
  return schemaCache;
}

export interface FakeShopifyOptions {
  /** The one token accepted; default 'shpat_fake_shopify_token'. */
  accessToken?: string;
  /** Bucket size per shop; default 2000. */
  maximumAvailable?: number;
  /** Points restored per second; default 100. */
  restoreRate?: number;
  /** Points each query costs; default 2. */
  queryCost?: number;
  /** Points each mutation costs; default 10. */
  mutationCost?: number;
  /** Milliseconds since the epoch; lets a test drive the bucket's refill. */
  now?: () => number;
  /** How long after orderCancel its job applies (at the first request from then on); default 0. */
  cancelJobDelayMs?: number;
  /**
   * Refuse to cancel an order with fulfilled units, as Shopify's REST API has
   * since 2018 (whether GraphQL's orderCancel does is not documented);
   * default false.
   */
  refuseCancellingFulfilled?: boolean;
  /** The app's client credentials: the fake then runs the OAuth token endpoint and accepts the tokens it issues, each for its own shop. */
  app?: FakeShopifyApp;
}

export interface FakeVariant {
  id: string;
  shop: string;
  sku: string;
  title: string;
  price: string;
  inventoryQuantity: number;
  /** DENY: DECREMENT_OBEYING_POLICY refuses to sell beyond stock. */
  inventoryPolicy: 'DENY' | 'CONTINUE';
}

export interface FakeLineItem {
  id: string;
  variantId: string | null;
  sku: string | null;
  title: string;
  quantity: number;
  price: string | null;
  currencyCode: string | null;
  requiresShipping: boolean;
  /** Units shipped: all of them for an order created FULFILLED. */
  fulfilledQuantity: number;
  /** Units refunded (or cancelled) that had not shipped, and that had. */
  refundedUnfulfilled: number;
  refundedFulfilled: number;
}

export interface FakeTransaction {
  id: string;
  kind: string;
  status: string;
  gateway: string | null;
  /** Decimal string. */
  amount: string;
  parentId: string | null;
}

export interface FakeRefund {
  id: string;
  note: string | null;
  createdAt: string;
  lines: { lineItemId: string; quantity: number; restockType: string; restocked: boolean }[];
  transactions: FakeTransaction[];
}

export interface FakeFulfillmentHold {
  id: string;
  handle: string;
  reason: string;
  reasonNotes: string | null;
  /** Whether the app calling placed it (the adapter); false for the merchant's or another app's. */
  heldByRequestingApp: boolean;
}

export interface FakeFulfillmentOrder {
  id: string;
  status: 'OPEN' | 'ON_HOLD' | 'CLOSED' | 'CANCELLED';
  holds: FakeFulfillmentHold[];
}

/** orderCancel's arguments, as coerced. */
export interface FakeCancellation {
  reason: string;
  restock: boolean;
  refund: boolean;
  notifyCustomer: boolean;
  staffNote: string | null;
}

export interface FakeOrder {
  id: string;
  shop: string;
  name: string;
  sourceIdentifier: string | null;
  sourceName: string | null;
  tags: string[];
  currency: string | null;
  processedAt: string | null;
  displayFulfillmentStatus: 'FULFILLED' | 'UNFULFILLED';
  displayFinancialStatus: string;
  inventoryBehaviour: string;
  lineItems: FakeLineItem[];
  /** The orderCreate `order` argument as coerced (defaults applied); null for addOrder. */
  input: Record<string, unknown> | null;
  /** The orderCreate `options` argument as coerced. */
  options: Record<string, unknown> | null;
  transactions: FakeTransaction[];
  refunds: FakeRefund[];
  fulfillmentOrders: FakeFulfillmentOrder[];
  /** Set when the cancellation job has run. */
  cancelledAt: string | null;
  cancelReason: string | null;
  /** The arguments of the orderCancel that cancelled it (or is about to). */
  cancellation: FakeCancellation | null;
  /** The cancellation job, until it has run. */
  pendingCancelJob: string | null;
}

export type FakeFault =
  /** Answer this HTTP status (500, 502, 503, 429…) with a JSON `errors` body. */
  | { kind: 'status'; status: number; retryAfter?: string }
  /** Answer Shopify's THROTTLED GraphQL error, whatever the bucket holds. */
  | { kind: 'throttled' }
  /** Say nothing: until `ms` have passed (then answer normally) or the server closes. */
  | { kind: 'hang'; ms?: number }
  /** Destroy the connection without an answer. */
  | { kind: 'drop' }
  /**
   * Apply the request (create the order, the refund, the hold…), then say
   * nothing until the server closes: the answer is lost, not the effect.
   * Outcome 'applied-then-hung'.
   */
  | { kind: 'applyThenHang' };

export interface FaultScope {
  /** How many requests it applies to; default 1. */
  times?: number;
  /** Only requests of this operation type count. */
  only?: 'query' | 'mutation';
  /** Only requests with this operationName count (e.g. 'CreateRefund'). */
  operation?: string;
}

export type RequestOutcome =
  | 'ok'
  | 'invalid'
  | 'throttled'
  | 'unauthorized'
  | 'not-found'
  | 'fault'
  | 'hung'
  | 'dropped'
  | 'applied-then-hung';

export interface RecordedRequest {
  shop: string | null;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  query: string | undefined;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
  operationType: 'query' | 'mutation' | 'subscription' | undefined;
  outcome: RequestOutcome | undefined;
  /** HTTP status answered; undefined while hanging or when dropped. */
  status: number | undefined;
  /** The JSON answered. */
  answer: unknown;
}

export interface ValidationFailure {
  /** What was wrong: the headers, the body, the document, its variables, a search query the fake cannot read, or an execution error. */
  stage: 'headers' | 'body' | 'document' | 'variables' | 'search' | 'execution';
  messages: string[];
  request: RecordedRequest;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface FakeShopify {
  /** Template for adminApiUrl: http://127.0.0.1:PORT/{shop}/admin/api/2025-01/graphql.json. */
  url: string;
  /** Template for SHOPIFY_OAUTH_URL: http://127.0.0.1:PORT/{shop}/admin/oauth. */
  oauthUrl: string;
  /** With `app`: the token endpoint and the merchant's approval. */
  oauth: FakeShopifyOAuth | undefined;
  accessToken: string;
  orders: FakeOrder[];
  requests: RecordedRequest[];
  validationFailures: ValidationFailure[];
  addVariant(
    shop: string,
    sku: string,
    details?: Partial<Omit<FakeVariant, 'id' | 'shop' | 'sku'>>,
  ): FakeVariant;
  /** An order already in the shop, as if created elsewhere. */
  addOrder(
    shop: string,
    order: { sourceIdentifier: string | null; tags?: string[]; fulfilled?: boolean },
  ): FakeOrder;
  ordersOf(shop: string): FakeOrder[];
  /** A hold on the order's first fulfilment order, as if placed by the merchant or another app. */
  addFulfillmentHold(
    order: FakeOrder,
    hold: { handle: string; heldByRequestingApp?: boolean },
  ): FakeFulfillmentHold;
  /** Runs the cancellation jobs that are due, as the next request would. */
  runDueJobs(): void;
  inject(fault: FakeFault, scope?: FaultScope): void;
  /** Sets the shop's bucket, e.g. to 0 to throttle the next request. */
  setAvailable(shop: string, points: number): void;
  throttleStatus(shop: string): ThrottleStatus;
  close(): Promise<void>;
}

class SearchNotUnderstood extends Error {}

interface SearchTerm {
  field: string;
  value: string;
}

/**
 * The subset of Shopify's search syntax the adapter may send: `field:value`
 * terms, values bare or quoted (backslash escapes the next character), all
 * joined by OR or all by AND. Anything else is a fake limitation, reported.
 */
export function parseSearchQuery(query: string): { connective: 'AND' | 'OR'; terms: SearchTerm[] } {
  const terms: SearchTerm[] = [];
  const connectives = new Set<'AND' | 'OR'>();
  let at = 0;
  const readValue = (): string => {
    const quote = query[at];
    let value = '';
    if (quote === '"' || quote === "'") {
      at += 1;
      while (at < query.length && query[at] !== quote) {
        if (query[at] === '\\') at += 1;
        if (at >= query.length) break;
        value += query[at];
        at += 1;
      }
      if (query[at] !== quote) throw new SearchNotUnderstood(`unterminated quote in ${query}`);
      at += 1;
      return value;
    }
    while (at < query.length && !/\s/.test(query[at]!)) {
      const character = query[at]!;
      if (character === '(' || character === ')' || character === ':') {
        throw new SearchNotUnderstood(`unescaped ${character} in ${query}`);
      }
      if (character === '\\') at += 1;
      if (at < query.length) value += query[at];
      at += 1;
    }
    return value;
  };
  for (;;) {
    while (at < query.length && /\s/.test(query[at]!)) at += 1;
    if (at >= query.length) break;
    const field = /^[a-z_]+:/i.exec(query.slice(at));
    if (field === null) {
      const word = readValue();
      if (word === 'OR' || word === 'AND') {
        connectives.add(word);
        continue;
      }
      throw new SearchNotUnderstood(`free text ${JSON.stringify(word)} in ${query}`);
    }
    at += field[0].length;
    if (query[at] === '<' || query[at] === '>') {
      throw new SearchNotUnderstood(`comparator in ${query}`);
    }
    terms.push({ field: field[0].slice(0, -1), value: readValue() });
  }
  if (connectives.size > 1) throw new SearchNotUnderstood(`both AND and OR in ${query}`);
  return { connective: connectives.has('OR') ? 'OR' : 'AND', terms };
}

/** Items matching a search on the fields this fake knows; no query matches everything. */
function search<Item>(
  items: Item[],
  query: unknown,
  fields: Record<string, (item: Item, value: string) => boolean>,
): Item[] {
  if (typeof query !== 'string' || query.trim() === '') return items;
  const { connective, terms } = parseSearchQuery(query);
  for (const term of terms) {
    if (!(term.field in fields)) {
      throw new SearchNotUnderstood(`the fake does not search ${term.field}`);
    }
  }
  const matches = (item: Item, term: SearchTerm) => fields[term.field]!(item, term.value);
  return items.filter((item) =>
    connective === 'OR'
      ? terms.some((term) => matches(item, term))
      : terms.every((term) => matches(item, term)),
  );
}

/** A Relay connection over `items`; cursors are positions. */
function connection<Item>(items: Item[], args: Record<string, unknown>) {
  const first = typeof args.first === 'number' ? args.first : undefined;
  if (first === undefined) throw new GraphQLError('you must provide one of first or last');
  if (first > 250) throw new GraphQLError('first cannot exceed 250');
  const start = typeof args.after === 'string' ? Number(args.after) + 1 : 0;
  const page = items.slice(start, start + first);
  const edges = page.map((node, index) => ({ node, cursor: String(start + index) }));
  return {
    nodes: page,
    edges,
    pageInfo: {
      hasNextPage: start + first < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

const INVALID_TOKEN =
  '[API] Invalid API key or access token (unrecognized login or wrong password)';
const PATH = new RegExp(`^/([^/]+)/admin/api/${ADMIN_API_VERSION}/graphql\\.json$`);
const TOKEN_PATH = /^\/([^/]+)\/admin\/oauth\/access_token$/;

type UserError = { field: string[] | null; message: string; code: string };
type JsonObject = Record<string, unknown>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function startFakeShopify(options: FakeShopifyOptions = {}): Promise<FakeShopify> {
  const schema = loadShopifyAdminSchema();
  const accessToken = options.accessToken ?? 'shpat_fake_shopify_token';
  const maximumAvailable = options.maximumAvailable ?? 2000;
  const restoreRate = options.restoreRate ?? 100;
  const queryCost = options.queryCost ?? 2;
  const mutationCost = options.mutationCost ?? 10;
  const now = options.now ?? (() => Date.now());
  const oauth = options.app === undefined ? undefined : createFakeShopifyOAuth(options.app, now);

  const variants: FakeVariant[] = [];
  const orders: FakeOrder[] = [];
  const life = createOrderLife({
    orders,
    variants,
    now,
    newId: (type) => `gid://shopify/${type}/${nextId++}`,
    cancelJobDelayMs: options.cancelJobDelayMs ?? 0,
    refuseCancellingFulfilled: options.refuseCancellingFulfilled ?? false,
    graphqlOrder: (order) => graphqlOrder(order),
  });
  const requests: RecordedRequest[] = [];
  const validationFailures: ValidationFailure[] = [];
  const faults: {
    fault: FakeFault;
    remaining: number;
    only?: 'query' | 'mutation';
    operation?: string;
  }[] = [];
  const buckets = new Map<string, { available: number; at: number }>();
  const timers = new Set<NodeJS.Timeout>();
  let nextId = 1;
  let closed = false;

  function bucket(shop: string): ThrottleStatus {
    const seen = buckets.get(shop) ?? { available: maximumAvailable, at: now() };
    const available = Math.min(
      maximumAvailable,
      seen.available + (restoreRate * Math.max(0, now() - seen.at)) / 1000,
    );
    buckets.set(shop, { available, at: now() });
    // Shopify reports whole points.
    return { maximumAvailable, currentlyAvailable: Math.floor(available), restoreRate };
  }

  function take(shop: string, points: number): boolean {
    bucket(shop);
    const state = buckets.get(shop)!;
    if (state.available < points) return false;
    state.available -= points;
    return true;
  }

  function graphqlVariant(variant: FakeVariant) {
    return {
      id: variant.id,
      sku: variant.sku,
      title: variant.title,
      displayName: variant.title,
      price: variant.price,
      inventoryQuantity: variant.inventoryQuantity,
      inventoryPolicy: variant.inventoryPolicy,
    };
  }

  function graphqlOrder(order: FakeOrder) {
    const money = (amount: string | null, currencyCode: string | null) => ({
      shopMoney: { amount: amount ?? '0.0', currencyCode: currencyCode ?? 'USD' },
      presentmentMoney: { amount: amount ?? '0.0', currencyCode: currencyCode ?? 'USD' },
    });
    return {
      ...life.orderLifeFields(order),
      id: order.id,
      name: order.name,
      sourceIdentifier: order.sourceIdentifier,
      sourceName: order.sourceName,
      tags: order.tags,
      displayFulfillmentStatus: order.displayFulfillmentStatus,
      displayFinancialStatus: order.displayFinancialStatus,
      processedAt: order.processedAt,
      currencyCode: order.currency ?? 'USD',
      test: false,
      lineItems: (args: JsonObject) =>
        connection(
          order.lineItems.map((line) => {
            const variant = variants.find((candidate) => candidate.id === line.variantId);
            return {
              ...life.lineItemFields(line),
              id: line.id,
              sku: line.sku,
              title: line.title,
              quantity: line.quantity,
              variant: variant === undefined ? null : graphqlVariant(variant),
              originalUnitPriceSet: money(line.price, line.currencyCode),
            };
          }),
          args,
        ),
    };
  }

  type NewOrder = Omit<
    FakeOrder,
    | 'id'
    | 'name'
    | 'refunds'
    | 'fulfillmentOrders'
    | 'cancelledAt'
    | 'cancelReason'
    | 'cancellation'
    | 'pendingCancelJob'
  >;
  function storeOrder(order: NewOrder): FakeOrder {
    const id = nextId++;
    const shipped = order.displayFulfillmentStatus === 'FULFILLED';
    const stored: FakeOrder = {
      id: `gid://shopify/Order/${id}`,
      name: `#${1000 + id}`,
      ...order,
      refunds: [],
      // One location, so one fulfilment order: closed when created fulfilled.
      fulfillmentOrders: [
        {
          id: `gid://shopify/FulfillmentOrder/${nextId++}`,
          status: shipped ? 'CLOSED' : 'OPEN',
          holds: [],
        },
      ],
      cancelledAt: null,
      cancelReason: null,
      cancellation: null,
      pendingCancelJob: null,
    };
    orders.push(stored);
    return stored;
  }

  /** orderCreate: the checks Shopify makes that the adapter can trip, then the order. */
  function orderCreate(shop: string, input: JsonObject, options: JsonObject | null) {
    const userErrors: UserError[] = [];
    const lines = Array.isArray(input.lineItems) ? (input.lineItems as JsonObject[]) : [];
    const behaviour =
      typeof options?.inventoryBehaviour === 'string' ? options.inventoryBehaviour : 'BYPASS';
    if (lines.length === 0) {
      userErrors.push({
        field: ['order', 'lineItems'],
        message: 'must have at least one line item',
        code: 'INVALID',
      });
    }
    const wanted = new Map<FakeVariant, number>();
    lines.forEach((line, index) => {
      const at = ['order', 'lineItems', String(index)];
      const quantity = line.quantity as number;
      if (quantity < 1) {
        userErrors.push({
          field: [...at, 'quantity'],
          message: 'must be greater than 0',
          code: 'INVALID',
        });
      }
      const shopMoney = isJsonObject(line.priceSet)
        ? (line.priceSet.shopMoney as JsonObject)
        : null;
      if (
        shopMoney !== null &&
        input.currency != null &&
        shopMoney.currencyCode !== input.currency
      ) {
        userErrors.push({
          field: [...at, 'priceSet', 'shopMoney', 'currencyCode'],
          message: 'must match the order currency',
          code: 'INVALID',
        });
      }
      if (typeof line.variantId === 'string') {
        const variant = variants.find((v) => v.shop === shop && v.id === line.variantId);
        if (variant === undefined) {
          userErrors.push({
            field: [...at, 'variantId'],
            message: 'does not exist',
            code: 'INVALID',
          });
        } else {
          wanted.set(variant, (wanted.get(variant) ?? 0) + quantity);
        }
      } else if (typeof line.title !== 'string') {
        userErrors.push({ field: [...at, 'title'], message: "can't be blank", code: 'INVALID' });
      }
    });
    if (typeof input.processedAt === 'string' && Date.parse(input.processedAt) > now()) {
      userErrors.push({
        field: ['order', 'processedAt'],
        message: "can't be in the future",
        code: 'PROCESSED_AT_INVALID',
      });
    }
    if (behaviour === 'DECREMENT_OBEYING_POLICY') {
      for (const [variant, quantity] of wanted) {
        if (variant.inventoryPolicy === 'DENY' && variant.inventoryQuantity < quantity) {
          userErrors.push({
            field: ['order', 'lineItems'],
            message: `${variant.sku} has only ${variant.inventoryQuantity} in stock`,
            code: 'INVENTORY_CLAIM_FAILED',
          });
        }
      }
    }
    if (userErrors.length > 0) return { order: null, userErrors };

    if (behaviour === 'DECREMENT_OBEYING_POLICY' || behaviour === 'DECREMENT_IGNORING_POLICY') {
      for (const [variant, quantity] of wanted) variant.inventoryQuantity -= quantity;
    }
    const transactions = Array.isArray(input.transactions)
      ? (input.transactions as JsonObject[])
      : [];
    const paidByTransaction = transactions.some((t) => t.kind === 'SALE' && t.status === 'SUCCESS');
    const fulfilled = input.fulfillmentStatus === 'FULFILLED';
    const order = storeOrder({
      shop,
      sourceIdentifier: typeof input.sourceIdentifier === 'string' ? input.sourceIdentifier : null,
      sourceName: typeof input.sourceName === 'string' ? input.sourceName : null,
      tags: Array.isArray(input.tags) ? (input.tags as string[]) : [],
      currency: typeof input.currency === 'string' ? input.currency : null,
      processedAt: typeof input.processedAt === 'string' ? input.processedAt : null,
      displayFulfillmentStatus:
        input.fulfillmentStatus === 'FULFILLED' ? 'FULFILLED' : 'UNFULFILLED',
      displayFinancialStatus:
        typeof input.financialStatus === 'string'
          ? input.financialStatus
          : paidByTransaction
            ? 'PAID'
            : 'PENDING',
      inventoryBehaviour: behaviour,
      lineItems: lines.map((line) => {
        const variant = variants.find((v) => v.id === line.variantId);
        const shopMoney = isJsonObject(line.priceSet)
          ? (line.priceSet.shopMoney as JsonObject)
          : {};
        return {
          id: `gid://shopify/LineItem/${nextId++}`,
          variantId: variant?.id ?? null,
          sku: variant?.sku ?? (typeof line.sku === 'string' ? line.sku : null),
          title: variant?.title ?? String(line.title),
          quantity: line.quantity as number,
          price: typeof shopMoney.amount === 'string' ? shopMoney.amount : (variant?.price ?? null),
          currencyCode: typeof shopMoney.currencyCode === 'string' ? shopMoney.currencyCode : null,
          requiresShipping: line.requiresShipping === true,
          fulfilledQuantity: fulfilled ? (line.quantity as number) : 0,
          refundedUnfulfilled: 0,
          refundedFulfilled: 0,
        };
      }),
      input,
      options,
      transactions: transactions.map((transaction) => {
        const amountSet = transaction.amountSet as { shopMoney: JsonObject };
        return {
          id: `gid://shopify/OrderTransaction/${nextId++}`,
          kind: typeof transaction.kind === 'string' ? transaction.kind : 'SALE',
          status: typeof transaction.status === 'string' ? transaction.status : 'SUCCESS',
          gateway: typeof transaction.gateway === 'string' ? transaction.gateway : null,
          amount: String(amountSet.shopMoney.amount),
          parentId: null,
        };
      }),
    });
    return { order: graphqlOrder(order), userErrors: [] };
  }

  const rootValue = {
    orders: (args: JsonObject, context: { shop: string }) =>
      connection(
        search(
          orders.filter((order) => order.shop === context.shop).map(graphqlOrder),
          args.query,
          { source_identifier: (order, value) => order.sourceIdentifier === value },
        ),
        args,
      ),
    // Shopify's search ignores case; the adapter must pick the exact SKU itself.
    productVariants: (args: JsonObject, context: { shop: string }) =>
      connection(
        search(
          variants.filter((variant) => variant.shop === context.shop),
          args.query,
          { sku: (variant, value) => variant.sku.toLowerCase() === value.toLowerCase() },
        ).map(graphqlVariant),
        args,
      ),
    orderCreate: (args: JsonObject, context: { shop: string }) =>
      orderCreate(
        context.shop,
        args.order as JsonObject,
        isJsonObject(args.options) ? args.options : null,
      ),
    ...life.rootFields,
  };

  function send(
    record: RecordedRequest,
    response: ServerResponse,
    outcome: RequestOutcome,
    status: number,
    answer: unknown,
    headers: Record<string, string> = {},
  ) {
    record.outcome = outcome;
    record.status = status;
    record.answer = answer;
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    response.end(JSON.stringify(answer));
  }

  function costOf(record: RecordedRequest): number {
    return record.operationType === 'mutation' ? mutationCost : queryCost;
  }

  function extensions(shop: string, requested: number, actual: number | null) {
    return {
      cost: {
        requestedQueryCost: requested,
        actualQueryCost: actual,
        throttleStatus: bucket(shop),
      },
    };
  }

  function throttledAnswer(shop: string, requested: number, status: ThrottleStatus) {
    return {
      errors: [
        {
          message: 'Throttled',
          extensions: {
            code: 'THROTTLED',
            documentation: 'https://shopify.dev/api/usage/rate-limits',
          },
        },
      ],
      extensions: {
        cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status },
      },
    };
  }

  function invalid(
    record: RecordedRequest,
    response: ServerResponse,
    stage: ValidationFailure['stage'],
    errors: readonly GraphQLError[],
  ) {
    validationFailures.push({ stage, messages: errors.map((e) => e.message), request: record });
    send(record, response, 'invalid', 200, {
      errors: errors.map((error) => error.toJSON()),
      extensions: extensions(record.shop!, 0, 0),
    });
  }

  function takeFault(record: RecordedRequest): FakeFault | undefined {
    const index = faults.findIndex(
      (entry) =>
        (entry.only === undefined || entry.only === record.operationType) &&
        (entry.operation === undefined || entry.operation === record.operationName),
    );
    if (index < 0) return undefined;
    const entry = faults[index]!;
    entry.remaining -= 1;
    if (entry.remaining <= 0) faults.splice(index, 1);
    return entry.fault;
  }

  /** Reads what it can of the body so even refused requests are recorded with their document. */
  function recordRequest(request: IncomingMessage, rawBody: string): RecordedRequest {
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    const record: RecordedRequest = {
      shop: PATH.exec(path)?.[1] ?? null,
      method: request.method ?? '',
      path,
      headers: request.headers,
      rawBody,
      query: undefined,
      variables: undefined,
      operationName: undefined,
      operationType: undefined,
      outcome: undefined,
      status: undefined,
      answer: undefined,
    };
    try {
      const body: unknown = JSON.parse(rawBody);
      if (isJsonObject(body)) {
        if (typeof body.query === 'string') record.query = body.query;
        if (isJsonObject(body.variables)) record.variables = body.variables;
        if (typeof body.operationName === 'string') record.operationName = body.operationName;
      }
      if (record.query !== undefined) {
        record.operationType = getOperationAST(
          parse(record.query),
          record.operationName,
        )?.operation;
      }
    } catch {
      // Judged properly below; the record keeps the raw body.
    }
    requests.push(record);
    return record;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const record = recordRequest(request, Buffer.concat(chunks).toString('utf8'));
    const tokenShop = TOKEN_PATH.exec(record.path)?.[1];
    if (tokenShop !== undefined && oauth !== undefined && request.method === 'POST') {
      const { status, answer } = oauth.handle(tokenShop, record.rawBody);
      record.shop = tokenShop;
      send(record, response, status === 200 ? 'ok' : 'unauthorized', status, answer);
      return;
    }
    // Shopify's jobs run on their own; here, at the first request once due.
    life.runDueJobs();
    if (record.shop === null || request.method !== 'POST') {
      send(record, response, 'not-found', 404, { errors: 'Not Found' });
      return;
    }
    const shop = record.shop;

    const fault = takeFault(record);
    if (fault?.kind === 'drop') {
      record.outcome = 'dropped';
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') {
      record.outcome = 'hung';
      if (fault.ms === undefined) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, fault.ms);
        timers.add(timer);
      });
      if (closed || response.destroyed) return;
    }
    if (fault?.kind === 'status') {
      const headers: Record<string, string> =
        fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter };
      send(
        record,
        response,
        'fault',
        fault.status,
        { errors: `fake fault ${fault.status}` },
        headers,
      );
      return;
    }

    const token = request.headers['x-shopify-access-token'];
    const tokenValid =
      token === accessToken || (typeof token === 'string' && oauth?.shopOf(token) === shop);
    if (!tokenValid) {
      send(record, response, 'unauthorized', 401, { errors: INVALID_TOKEN });
      return;
    }
    if (!/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) {
      validationFailures.push({
        stage: 'headers',
        messages: [`Content-Type ${request.headers['content-type'] ?? '(none)'}`],
        request: record,
      });
      send(record, response, 'invalid', 415, { errors: 'Unsupported Media Type' });
      return;
    }
    if (record.query === undefined) {
      validationFailures.push({
        stage: 'body',
        messages: ['no query in the body'],
        request: record,
      });
      send(record, response, 'invalid', 400, {
        errors: { query: 'Required parameter missing or invalid' },
      });
      return;
    }

    let document: DocumentNode;
    try {
      document = parse(record.query);
    } catch (error) {
      invalid(record, response, 'document', [error as GraphQLError]);
      return;
    }
    const documentErrors = validate(schema, document);
    if (documentErrors.length > 0) {
      invalid(record, response, 'document', documentErrors);
      return;
    }
    const operation = getOperationAST(document, record.operationName);
    if (!operation) {
      invalid(record, response, 'document', [
        new GraphQLError(`No operation named ${record.operationName ?? '(none)'}`),
      ]);
      return;
    }
    const coerced = getVariableValues(
      schema,
      operation.variableDefinitions ?? [],
      record.variables ?? {},
    );
    if (coerced.errors !== undefined) {
      invalid(record, response, 'variables', coerced.errors);
      return;
    }

    const cost = costOf(record);
    if (fault?.kind === 'throttled') {
      const status = { ...bucket(shop), currentlyAvailable: 0 };
      send(record, response, 'throttled', 200, throttledAnswer(shop, cost, status));
      return;
    }
    if (!take(shop, cost)) {
      send(record, response, 'throttled', 200, throttledAnswer(shop, cost, bucket(shop)));
      return;
    }

    const result = await execute({
      schema,
      document,
      rootValue,
      contextValue: { shop },
      variableValues: record.variables ?? {},
      operationName: record.operationName,
    });
    if (result.errors !== undefined && result.errors.length > 0) {
      validationFailures.push({
        stage: result.errors.some((e) => e.originalError instanceof SearchNotUnderstood)
          ? 'search'
          : 'execution',
        messages: result.errors.map((error) => error.message),
        request: record,
      });
    }
    if (fault?.kind === 'applyThenHang') {
      record.outcome = 'applied-then-hung';
      record.answer = result;
      return;
    }
    send(record, response, 'ok', 200, {
      ...result,
      errors: result.errors?.map((error) => error.toJSON()),
      extensions: extensions(shop, cost, cost),
    });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent || response.destroyed) return;
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ errors: `fake Shopify crashed: ${String(error)}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/{shop}/admin/api/${ADMIN_API_VERSION}/graphql.json`,
    oauthUrl: `http://127.0.0.1:${port}/{shop}/admin/oauth`,
    oauth,
    accessToken,
    orders,
    requests,
    validationFailures,
    addVariant(shop, sku, details = {}) {
      const variant: FakeVariant = {
        id: `gid://shopify/ProductVariant/${nextId++}`,
        shop,
        sku,
        title: details.title ?? sku,
        price: details.price ?? '10.00',
        inventoryQuantity: details.inventoryQuantity ?? 10,
        inventoryPolicy: details.inventoryPolicy ?? 'DENY',
      };
      variants.push(variant);
      return variant;
    },
    addOrder(shop, { sourceIdentifier, tags = [], fulfilled = false }) {
      return storeOrder({
        shop,
        sourceIdentifier,
        sourceName: null,
        tags,
        currency: 'USD',
        processedAt: new Date(now()).toISOString(),
        displayFulfillmentStatus: fulfilled ? 'FULFILLED' : 'UNFULFILLED',
        displayFinancialStatus: 'PAID',
        inventoryBehaviour: 'BYPASS',
        lineItems: [],
        input: null,
        options: null,
        transactions: [],
      });
    },
    ordersOf: (shop) => orders.filter((order) => order.shop === shop),
    addFulfillmentHold(order, { handle, heldByRequestingApp = false }) {
      const fulfillmentOrder = order.fulfillmentOrders[0]!;
      const hold = {
        id: `gid://shopify/FulfillmentHold/${nextId++}`,
        handle,
        reason: 'OTHER',
        reasonNotes: null,
        heldByRequestingApp,
      };
      fulfillmentOrder.holds.push(hold);
      fulfillmentOrder.status = 'ON_HOLD';
      return hold;
    },
    runDueJobs: () => life.runDueJobs(),
    inject(fault, { times = 1, only, operation } = {}) {
      faults.push({ fault, remaining: times, only, operation });
    },
    setAvailable(shop, points) {
      buckets.set(shop, { available: points, at: now() });
    },
    throttleStatus: (shop) => bucket(shop),
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
