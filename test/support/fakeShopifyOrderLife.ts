import type {
  FakeCancellation,
  FakeFulfillmentHold,
  FakeFulfillmentOrder,
  FakeLineItem,
  FakeOrder,
  FakeRefund,
  FakeTransaction,
  FakeVariant,
} from './fakeShopify';

/**
 * The fake Shopify's orders after creation: orderCancel, refundCreate,
 * fulfillmentOrderHold, fulfillmentOrderReleaseHold, orderMarkAsPaid, and the
 * figures of an order they change (what is left to refund, received,
 * refunded, outstanding). Money is kept exact, in millionths.
 */

type JsonObject = Record<string, unknown>;
type UserError = { field: string[] | null; message: string; code?: string | null };

const MICROS = 1_000_000n;
const DECIMAL = /^(\d{1,15})(?:\.(\d{1,6}))?$/;

/** millionths of a decimal string; undefined when it is not a plain non-negative decimal. */
function micros(amount: string): bigint | undefined {
  const match = DECIMAL.exec(amount.trim());
  if (!match) return undefined;
  return BigInt(match[1]!) * MICROS + BigInt((match[2] ?? '').padEnd(6, '0'));
}

/** As Shopify writes amounts: "10.0", "19.99". */
function decimal(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const magnitude = value < 0n ? -value : value;
  const fraction = (magnitude % MICROS).toString().padStart(6, '0').replace(/0+$/, '');
  return `${sign}${magnitude / MICROS}.${fraction === '' ? '0' : fraction}`;
}

const PAYMENT_KINDS = new Set(['SALE', 'CAPTURE']);
const HOLDABLE = new Set(['OPEN', 'ON_HOLD']);
const MAX_HOLDS_PER_APP = 10;

export const unfulfilledOf = (line: FakeLineItem) =>
  line.quantity - line.fulfilledQuantity - line.refundedUnfulfilled;
export const refundableOf = (line: FakeLineItem) =>
  line.quantity - line.refundedUnfulfilled - line.refundedFulfilled;
const shippedLeftOf = (line: FakeLineItem) => line.fulfilledQuantity - line.refundedFulfilled;
const priceOf = (line: FakeLineItem) => micros(line.price ?? '0') ?? 0n;

function sum(values: bigint[]): bigint {
  return values.reduce((total, value) => total + value, 0n);
}

/** An order's money, as the Order fields we serve report it. */
export function orderFigures(order: FakeOrder) {
  const received = sum(
    order.transactions
      .filter((t) => PAYMENT_KINDS.has(t.kind) && t.status === 'SUCCESS')
      .map((t) => micros(t.amount) ?? 0n),
  );
  const refunded = sum(
    order.transactions
      .filter((t) => t.kind === 'REFUND' && t.status === 'SUCCESS')
      .map((t) => micros(t.amount) ?? 0n),
  );
  const total = sum(order.lineItems.map((line) => BigInt(line.quantity) * priceOf(line)));
  const currentTotal = sum(
    order.lineItems.map((line) => BigInt(refundableOf(line)) * priceOf(line)),
  );
  const outstanding = currentTotal - (received - refunded);
  return { received, refunded, total, currentTotal, outstanding };
}

export interface OrderLifeState {
  orders: FakeOrder[];
  variants: FakeVariant[];
  now: () => number;
  newId: (type: string) => string;
  cancelJobDelayMs: number;
  refuseCancellingFulfilled: boolean;
  /** The Order object as served, for the payloads that carry it. */
  graphqlOrder: (order: FakeOrder) => JsonObject;
}

export function createOrderLife(state: OrderLifeState) {
  const { orders, variants, now, newId } = state;
  const jobs: { id: string; dueAt: number; run: () => void }[] = [];
  const doneJobs = new Set<string>();

  const orderIn = (shop: string, id: unknown) =>
    orders.find((order) => order.shop === shop && order.id === id);
  const restock = (line: FakeLineItem, quantity: number) => {
    const variant = variants.find((candidate) => candidate.id === line.variantId);
    if (variant !== undefined) variant.inventoryQuantity += quantity;
  };
  const fulfillmentOrderIn = (shop: string, id: unknown) => {
    for (const order of orders) {
      if (order.shop !== shop) continue;
      const fulfillmentOrder = order.fulfillmentOrders.find((fo) => fo.id === id);
      if (fulfillmentOrder !== undefined) return { order, fulfillmentOrder };
    }
    return undefined;
  };
  /** Nothing left to ship: the fulfilment orders still open close. */
  const closeFinishedFulfillmentOrders = (order: FakeOrder, status: 'CLOSED' | 'CANCELLED') => {
    if (order.lineItems.some((line) => unfulfilledOf(line) > 0)) return;
    for (const fo of order.fulfillmentOrders) {
      if (HOLDABLE.has(fo.status)) fo.status = status;
    }
  };
  const settleFinancialStatus = (order: FakeOrder) => {
    const { received, refunded } = orderFigures(order);
    if (refunded > 0n) {
      order.displayFinancialStatus = refunded >= received ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    }
  };

  function graphqlTransaction(transaction: FakeTransaction, order: FakeOrder): JsonObject {
    const parent = order.transactions.find((t) => t.id === transaction.parentId);
    const money = { amount: transaction.amount, currencyCode: order.currency ?? 'USD' };
    return {
      id: transaction.id,
      kind: transaction.kind,
      status: transaction.status,
      gateway: transaction.gateway,
      manualPaymentGateway: transaction.gateway === 'manual',
      test: false,
      amountSet: { shopMoney: money, presentmentMoney: money },
      parentTransaction: parent === undefined ? null : graphqlTransaction(parent, order),
    };
  }

  function graphqlRefund(refund: FakeRefund, order: FakeOrder): JsonObject {
    const amount = decimal(sum(refund.transactions.map((t) => micros(t.amount) ?? 0n)));
    const money = { amount, currencyCode: order.currency ?? 'USD' };
    const nodes = refund.lines.map((line) => {
      const lineItem = order.lineItems.find((item) => item.id === line.lineItemId)!;
      return {
        quantity: line.quantity,
        restockType: line.restockType,
        restocked: line.restocked,
        lineItem: {
          id: lineItem.id,
          sku: lineItem.sku,
          title: lineItem.title,
          quantity: lineItem.quantity,
        },
      };
    });
    const list =
      <Item>(items: Item[]) =>
      (args: JsonObject) => {
        const first = typeof args.first === 'number' ? args.first : items.length;
        return { nodes: items.slice(0, first), pageInfo: { hasNextPage: items.length > first } };
      };
    return {
      id: refund.id,
      note: refund.note,
      createdAt: refund.createdAt,
      totalRefundedSet: { shopMoney: money, presentmentMoney: money },
      refundLineItems: list(nodes),
      transactions: list(refund.transactions.map((t) => graphqlTransaction(t, order))),
    };
  }

  function graphqlFulfillmentOrder(fo: FakeFulfillmentOrder, order: FakeOrder): JsonObject {
    return {
      id: fo.id,
      orderId: order.id,
      orderName: order.name,
      status: fo.status,
      fulfillmentHolds: fo.holds.map((hold) => ({
        id: hold.id,
        handle: hold.handle,
        reason: hold.reason,
        reasonNotes: hold.reasonNotes,
        displayReason: hold.reason,
        heldByRequestingApp: hold.heldByRequestingApp,
      })),
    };
  }

  /** The Order fields of the life after creation, merged into the Order the fake serves. */
  function orderLifeFields(order: FakeOrder): JsonObject {
    const figures = orderFigures(order);
    const currencyCode = order.currency ?? 'USD';
    const bag = (value: bigint) => {
      const money = { amount: decimal(value), currencyCode };
      return { shopMoney: money, presentmentMoney: money };
    };
    const fullyPaid = figures.outstanding <= 0n;
    return {
      cancelledAt: order.cancelledAt,
      cancelReason: order.cancelReason,
      presentmentCurrencyCode: currencyCode,
      fullyPaid,
      canMarkAsPaid:
        order.cancelledAt === null &&
        !fullyPaid &&
        ['PENDING', 'PARTIALLY_PAID', 'AUTHORIZED'].includes(order.displayFinancialStatus),
      totalPriceSet: bag(figures.total),
      currentTotalPriceSet: bag(figures.currentTotal),
      totalReceivedSet: bag(figures.received),
      totalRefundedSet: bag(figures.refunded),
      totalOutstandingSet: bag(figures.outstanding),
      refunds: (args: JsonObject) =>
        order.refunds
          .slice(0, typeof args.first === 'number' ? args.first : undefined)
          .map((refund) => graphqlRefund(refund, order)),
      transactions: (args: JsonObject) =>
        order.transactions
          .slice(0, typeof args.first === 'number' ? args.first : undefined)
          .map((transaction) => graphqlTransaction(transaction, order)),
      fulfillmentOrders: (args: JsonObject) => {
        const first = typeof args.first === 'number' ? args.first : order.fulfillmentOrders.length;
        return {
          nodes: order.fulfillmentOrders
            .slice(0, first)
            .map((fo) => graphqlFulfillmentOrder(fo, order)),
          pageInfo: { hasNextPage: order.fulfillmentOrders.length > first },
        };
      },
    };
  }

  /** A LineItem's quantities as Shopify reports them. */
  function lineItemFields(line: FakeLineItem): JsonObject {
    return {
      refundableQuantity: refundableOf(line),
      unfulfilledQuantity: unfulfilledOf(line),
      currentQuantity: refundableOf(line),
    };
  }

  function runDueJobs(): void {
    for (const job of [...jobs]) {
      if (job.dueAt > now()) continue;
      jobs.splice(jobs.indexOf(job), 1);
      job.run();
      doneJobs.add(job.id);
    }
  }

  /** What the cancellation job does once it runs. */
  function applyCancellation(order: FakeOrder, cancellation: FakeCancellation): void {
    order.pendingCancelJob = null;
    order.cancelledAt = new Date(now()).toISOString();
    order.cancelReason = cancellation.reason;
    // The units still to ship are cancelled: back in stock with restock, else not.
    const lines = order.lineItems
      .map((line) => ({ line, quantity: unfulfilledOf(line) }))
      .filter(({ quantity }) => quantity > 0);
    const refund: FakeRefund = {
      id: newId('Refund'),
      note: null,
      createdAt: order.cancelledAt,
      lines: lines.map(({ line, quantity }) => ({
        lineItemId: line.id,
        quantity,
        restockType: cancellation.restock ? 'CANCEL' : 'NO_RESTOCK',
        restocked: cancellation.restock,
      })),
      transactions: [],
    };
    for (const { line, quantity } of lines) {
      line.refundedUnfulfilled += quantity;
      if (cancellation.restock) restock(line, quantity);
    }
    if (cancellation.refund) {
      const { received, refunded } = orderFigures(order);
      const payment = order.transactions.find(
        (t) => PAYMENT_KINDS.has(t.kind) && t.status === 'SUCCESS',
      );
      if (payment !== undefined && received > refunded) {
        const transaction: FakeTransaction = {
          id: newId('OrderTransaction'),
          kind: 'REFUND',
          status: 'SUCCESS',
          gateway: payment.gateway,
          amount: decimal(received - refunded),
          parentId: payment.id,
        };
        refund.transactions.push(transaction);
        order.transactions.push(transaction);
      }
    }
    if (refund.lines.length > 0 || refund.transactions.length > 0) order.refunds.push(refund);
    for (const fo of order.fulfillmentOrders) {
      if (HOLDABLE.has(fo.status)) fo.status = 'CANCELLED';
    }
    settleFinancialStatus(order);
  }

  function orderCancel(shop: string, args: JsonObject) {
    const refused = (field: string[] | null, message: string, code: string) => ({
      job: null,
      orderCancelUserErrors: [{ field, message, code }],
      userErrors: [{ field, message }],
    });
    const order = orderIn(shop, args.orderId);
    if (order === undefined) return refused(['orderId'], 'Order does not exist', 'NOT_FOUND');
    if (order.cancelledAt !== null)
      return refused(['orderId'], 'Order has already been cancelled', 'INVALID');
    if (order.pendingCancelJob !== null)
      return refused(['orderId'], 'Order is already being cancelled', 'INVALID');
    if (
      state.refuseCancellingFulfilled &&
      order.lineItems.some((line) => line.fulfilledQuantity > 0)
    ) {
      return refused(['orderId'], 'Cannot cancel an order that has fulfillments', 'INVALID');
    }
    const cancellation: FakeCancellation = {
      reason: args.reason as string,
      restock: args.restock === true,
      refund: args.refund === true,
      notifyCustomer: args.notifyCustomer === true,
      staffNote: typeof args.staffNote === 'string' ? args.staffNote : null,
    };
    const job = {
      id: newId('Job'),
      dueAt: now() + state.cancelJobDelayMs,
      run: () => applyCancellation(order, cancellation),
    };
    jobs.push(job);
    order.cancellation = cancellation;
    order.pendingCancelJob = job.id;
    return {
      job: { id: job.id, done: false, query: null },
      orderCancelUserErrors: [],
      userErrors: [],
    };
  }

  function refundCreate(shop: string, input: JsonObject) {
    const userErrors: UserError[] = [];
    const refused = () => ({ refund: null, order: null, userErrors });
    const order = orderIn(shop, input.orderId);
    if (order === undefined) {
      userErrors.push({ field: ['orderId'], message: 'Order does not exist' });
      return refused();
    }
    if (typeof input.currency === 'string' && input.currency !== (order.currency ?? 'USD')) {
      userErrors.push({ field: ['currency'], message: "must be the order's presentment currency" });
    }

    const lineInputs = Array.isArray(input.refundLineItems)
      ? (input.refundLineItems as JsonObject[])
      : [];
    const wanted = new Map<FakeLineItem, { CANCEL: number; RETURN: number; NO_RESTOCK: number }>();
    lineInputs.forEach((lineInput, index) => {
      const at = ['refundLineItems', String(index)];
      const line = order.lineItems.find((item) => item.id === lineInput.lineItemId);
      const quantity = lineInput.quantity as number;
      const restockType = (lineInput.restockType as string | null | undefined) ?? 'NO_RESTOCK';
      if (line === undefined) {
        userErrors.push({
          field: [...at, 'lineItemId'],
          message: 'Line item does not exist on the order',
        });
        return;
      }
      if (quantity < 1) {
        userErrors.push({ field: [...at, 'quantity'], message: 'must be greater than 0' });
        return;
      }
      if (restockType === 'LEGACY_RESTOCK') {
        userErrors.push({
          field: [...at, 'restockType'],
          message: 'LEGACY_RESTOCK is not accepted when creating a refund',
        });
        return;
      }
      const entry = wanted.get(line) ?? { CANCEL: 0, RETURN: 0, NO_RESTOCK: 0 };
      entry[restockType as 'CANCEL' | 'RETURN' | 'NO_RESTOCK'] += quantity;
      wanted.set(line, entry);
    });
    for (const [line, entry] of wanted) {
      const index = String(order.lineItems.indexOf(line));
      const total = entry.CANCEL + entry.RETURN + entry.NO_RESTOCK;
      if (total > refundableOf(line)) {
        userErrors.push({
          field: ['refundLineItems'],
          message: `Line ${index}: cannot refund ${total}, only ${refundableOf(line)} left to refund`,
        });
      } else if (entry.CANCEL > unfulfilledOf(line)) {
        userErrors.push({
          field: ['refundLineItems'],
          message: `Line ${index}: cannot cancel ${entry.CANCEL}, only ${unfulfilledOf(line)} unfulfilled`,
        });
      } else if (entry.RETURN > shippedLeftOf(line)) {
        userErrors.push({
          field: ['refundLineItems'],
          message: `Line ${index}: cannot return ${entry.RETURN}, only ${shippedLeftOf(line)} fulfilled`,
        });
      }
    }

    const transactionInputs = Array.isArray(input.transactions)
      ? (input.transactions as JsonObject[])
      : [];
    const figures = orderFigures(order);
    const refundedFrom = (paymentId: string) =>
      sum(
        order.transactions
          .filter((t) => t.kind === 'REFUND' && t.status === 'SUCCESS' && t.parentId === paymentId)
          .map((t) => micros(t.amount) ?? 0n),
      );
    const askedFrom = new Map<string, bigint>();
    let asked = 0n;
    transactionInputs.forEach((transaction, index) => {
      const at = ['transactions', String(index)];
      const amount = micros(String(transaction.amount));
      if (transaction.orderId !== order.id) {
        userErrors.push({ field: [...at, 'orderId'], message: 'must be the refunded order' });
      }
      if (transaction.kind !== 'REFUND') {
        userErrors.push({ field: [...at, 'kind'], message: 'must be REFUND' });
      }
      if (amount === undefined || amount <= 0n) {
        userErrors.push({ field: [...at, 'amount'], message: 'must be greater than 0' });
        return;
      }
      asked += amount;
      if (typeof transaction.parentId === 'string') {
        const parent = order.transactions.find(
          (t) =>
            t.id === transaction.parentId && PAYMENT_KINDS.has(t.kind) && t.status === 'SUCCESS',
        );
        if (parent === undefined) {
          userErrors.push({
            field: [...at, 'parentId'],
            message: 'Parent transaction does not exist',
          });
          return;
        }
        if (transaction.gateway !== parent.gateway) {
          userErrors.push({
            field: [...at, 'gateway'],
            message: "must be the parent transaction's gateway",
          });
        }
        const fromParent = (askedFrom.get(parent.id) ?? 0n) + amount;
        askedFrom.set(parent.id, fromParent);
        if (fromParent + refundedFrom(parent.id) > (micros(parent.amount) ?? 0n)) {
          userErrors.push({
            field: [...at, 'amount'],
            message: 'exceeds the amount left to refund on its parent transaction',
          });
        }
      }
    });
    if (asked > figures.received - figures.refunded) {
      userErrors.push({
        field: ['transactions'],
        message: `Refund amount ${decimal(asked)} exceeds the ${decimal(figures.received - figures.refunded)} that can be refunded`,
      });
    }
    if (lineInputs.length === 0 && transactionInputs.length === 0) {
      userErrors.push({ field: null, message: 'A refund needs line items or transactions' });
    }
    if (userErrors.length > 0) return refused();

    const refund: FakeRefund = {
      id: newId('Refund'),
      note: typeof input.note === 'string' ? input.note : null,
      createdAt: new Date(now()).toISOString(),
      lines: [],
      transactions: [],
    };
    for (const [line, entry] of wanted) {
      // CANCEL takes units still to ship, RETURN shipped ones; NO_RESTOCK the unshipped first.
      line.refundedUnfulfilled += entry.CANCEL;
      line.refundedFulfilled += entry.RETURN;
      const unshipped = Math.min(entry.NO_RESTOCK, unfulfilledOf(line));
      line.refundedUnfulfilled += unshipped;
      line.refundedFulfilled += entry.NO_RESTOCK - unshipped;
      restock(line, entry.CANCEL + entry.RETURN);
      for (const restockType of ['CANCEL', 'RETURN', 'NO_RESTOCK'] as const) {
        if (entry[restockType] > 0) {
          refund.lines.push({
            lineItemId: line.id,
            quantity: entry[restockType],
            restockType,
            restocked: restockType !== 'NO_RESTOCK',
          });
        }
      }
    }
    for (const transaction of transactionInputs) {
      const created: FakeTransaction = {
        id: newId('OrderTransaction'),
        kind: 'REFUND',
        status: 'SUCCESS',
        gateway: typeof transaction.gateway === 'string' ? transaction.gateway : null,
        amount: decimal(micros(String(transaction.amount))!),
        parentId: typeof transaction.parentId === 'string' ? transaction.parentId : null,
      };
      refund.transactions.push(created);
      order.transactions.push(created);
    }
    order.refunds.push(refund);
    closeFinishedFulfillmentOrders(order, 'CLOSED');
    settleFinancialStatus(order);
    return {
      refund: graphqlRefund(refund, order),
      order: state.graphqlOrder(order),
      userErrors: [],
    };
  }

  function fulfillmentOrderHold(shop: string, args: JsonObject) {
    const refused = (field: string[] | null, message: string, code: string | null) => ({
      fulfillmentHold: null,
      fulfillmentOrder: null,
      remainingFulfillmentOrder: null,
      userErrors: [{ field, message, code }],
    });
    const found = fulfillmentOrderIn(shop, args.id);
    if (found === undefined) {
      return refused(['id'], 'Fulfillment order does not exist', 'FULFILLMENT_ORDER_NOT_FOUND');
    }
    const { order, fulfillmentOrder } = found;
    const input = args.fulfillmentHold as JsonObject;
    if (
      Array.isArray(input.fulfillmentOrderLineItems) &&
      input.fulfillmentOrderLineItems.length > 0
    ) {
      throw new Error('the fake holds whole fulfillment orders only');
    }
    if (!HOLDABLE.has(fulfillmentOrder.status)) {
      return refused(
        ['id'],
        `A fulfillment order with status ${fulfillmentOrder.status} cannot be held`,
        null,
      );
    }
    const handle = typeof input.handle === 'string' ? input.handle : '';
    const ours = fulfillmentOrder.holds.filter((hold) => hold.heldByRequestingApp);
    if (ours.some((hold) => hold.handle === handle)) {
      return refused(
        ['fulfillmentHold', 'handle'],
        'The handle provided for the fulfillment hold is already in use by this app for another hold on this fulfillment order.',
        'DUPLICATE_FULFILLMENT_HOLD_HANDLE',
      );
    }
    if (ours.length >= MAX_HOLDS_PER_APP) {
      return refused(
        null,
        'The maximum number of fulfillment holds for this fulfillment order has been reached',
        'FULFILLMENT_ORDER_HOLD_LIMIT_REACHED',
      );
    }
    const hold: FakeFulfillmentHold = {
      id: newId('FulfillmentHold'),
      handle,
      reason: input.reason as string,
      reasonNotes: typeof input.reasonNotes === 'string' ? input.reasonNotes : null,
      heldByRequestingApp: true,
    };
    fulfillmentOrder.holds.push(hold);
    fulfillmentOrder.status = 'ON_HOLD';
    const served = graphqlFulfillmentOrder(fulfillmentOrder, order);
    return {
      fulfillmentHold: (served.fulfillmentHolds as JsonObject[]).at(-1),
      fulfillmentOrder: served,
      remainingFulfillmentOrder: null,
      userErrors: [],
    };
  }

  function fulfillmentOrderReleaseHold(shop: string, args: JsonObject) {
    const refused = (field: string[] | null, message: string, code: string | null) => ({
      fulfillmentOrder: null,
      userErrors: [{ field, message, code }],
    });
    const found = fulfillmentOrderIn(shop, args.id);
    if (found === undefined) {
      return refused(['id'], 'Fulfillment order does not exist', 'FULFILLMENT_ORDER_NOT_FOUND');
    }
    const { order, fulfillmentOrder } = found;
    if (fulfillmentOrder.holds.length === 0) {
      return refused(['id'], 'The fulfillment order is not on hold', null);
    }
    const ids = Array.isArray(args.holdIds) ? (args.holdIds as string[]) : null;
    // Holds of other fulfilment orders are ignored, as Shopify documents.
    const released = fulfillmentOrder.holds.filter((hold) => ids === null || ids.includes(hold.id));
    if (released.some((hold) => !hold.heldByRequestingApp)) {
      return refused(
        ['holdIds'],
        "The app can't release a hold it did not place",
        'INVALID_ACCESS',
      );
    }
    fulfillmentOrder.holds = fulfillmentOrder.holds.filter((hold) => !released.includes(hold));
    if (fulfillmentOrder.holds.length === 0) fulfillmentOrder.status = 'OPEN';
    return { fulfillmentOrder: graphqlFulfillmentOrder(fulfillmentOrder, order), userErrors: [] };
  }

  function orderMarkAsPaid(shop: string, input: JsonObject) {
    const refused = (message: string) => ({
      order: null,
      userErrors: [{ field: ['id'], message }],
    });
    const order = orderIn(shop, input.id);
    if (order === undefined) return refused('Order does not exist');
    const fields = orderLifeFields(order);
    if (fields.canMarkAsPaid !== true) return refused('Order cannot be marked as paid.');
    order.transactions.push({
      id: newId('OrderTransaction'),
      kind: 'SALE',
      status: 'SUCCESS',
      gateway: 'manual',
      amount: decimal(orderFigures(order).outstanding),
      parentId: null,
    });
    order.displayFinancialStatus = 'PAID';
    return { order: state.graphqlOrder(order), userErrors: [] };
  }

  return {
    orderLifeFields,
    lineItemFields,
    runDueJobs,
    rootFields: {
      order: (args: JsonObject, context: { shop: string }) => {
        const order = orderIn(context.shop, args.id);
        return order === undefined ? null : state.graphqlOrder(order);
      },
      job: (args: JsonObject) => {
        const known = jobs.some((job) => job.id === args.id) || doneJobs.has(args.id as string);
        return known ? { id: args.id, done: doneJobs.has(args.id as string), query: null } : null;
      },
      orderCancel: (args: JsonObject, context: { shop: string }) => orderCancel(context.shop, args),
      refundCreate: (args: JsonObject, context: { shop: string }) =>
        refundCreate(context.shop, args.input as JsonObject),
      fulfillmentOrderHold: (args: JsonObject, context: { shop: string }) =>
        fulfillmentOrderHold(context.shop, args),
      fulfillmentOrderReleaseHold: (args: JsonObject, context: { shop: string }) =>
        fulfillmentOrderReleaseHold(context.shop, args),
      orderMarkAsPaid: (args: JsonObject, context: { shop: string }) =>
        orderMarkAsPaid(context.shop, args.input as JsonObject),
    },
  };
}

export type OrderLife = ReturnType<typeof createOrderLife>;
