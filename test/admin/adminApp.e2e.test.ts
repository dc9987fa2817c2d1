import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { signToken } from '../../src/auth/signToken';
import { type ServeProcess, startServe, tempDataDir } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createFbtSyncApi, eventually } from '../e2e/fbtSyncApi';
import { launchChromium, screenshot, seriousViolations } from './browser';
import { REJECTED_SKU, type SeededShop, seedShop } from './seedShop';

/**
 * The admin app in a real browser: a `serve` process (the compiled dist/,
 * with the app built into dist/admin by `npm run build`) on a fresh
 * database, Debian's Chromium driven by playwright-core, and every screen
 * checked with axe-core. Screenshots go to test-artifacts/admin/;
 * ADMIN_README_SCREENSHOT=1 also copies the Orders view to docs/admin-orders.png.
 */

const AUTH_SECRET = 'admin-app-browser-test-secret-0123456789ab';
const ORDERS = 60;

let database: TestDatabase;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let shop: SeededShop;
let smallStoreId: string;
let adminToken: string;
let api: ReturnType<typeof createFbtSyncApi>;

async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${serve.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

interface Counts {
  pending: number;
  blocked: number;
  synced: number;
  failed: number;
  cancelled: number;
}
const countsOf = async (storeId: string) =>
  (
    await graphql<{ store: { orderCounts: Counts } }>(
      `
        query ($id: ID!) {
          store(id: $id) {
            orderCounts {
              pending
              blocked
              synced
              failed
              cancelled
            }
          }
        }
      `,
      { id: storeId },
    )
  ).store.orderCounts;

const orderIdOf = async (tiktokOrderId: string) =>
  (await api.orderByTikTokId(shop.storeId, tiktokOrderId))!.id;

const firstRow = () => page.locator('tbody tr').first().getAttribute('data-order');

/** Every serious or critical axe violation of the page, named, so a failure says what to fix. */
async function expectAccessible(name: string) {
  const violations = await seriousViolations(page);
  expect({ page: name, violations }).toEqual({ page: name, violations: [] });
}

beforeAll(async () => {
  browser = await launchChromium(); // first: a missing Chromium fails at once, with what to do
  database = await createTestDatabase(2);
  await database.db
    .updateTable('sandbox_settings')
    .set({ reject_skus: [REJECTED_SKU] })
    .execute();
  serve = await startServe({
    DATABASE_URL: database.url,
    AUTH_SECRET,
    PLATFORM: 'sandbox',
    DATA_DIR: tempDataDir(),
    DATABASE_POOL_SIZE: '6',
    SYNC_MAX_ATTEMPTS: '1',
  });
  adminToken = await signToken(AUTH_SECRET, { role: 'admin', sub: 'ops@acme.test' }, '1h');
  api = createFbtSyncApi(serve.url, AUTH_SECRET);
  shop = await seedShop(api, ORDERS);
  const small = await api.connectStore({
    name: 'Corner Shop',
    tiktokShopId: '7494120002',
    platform: 'WOOCOMMERCE',
    plan: 'FREE',
  });
  smallStoreId = small.id;
  const wanted = shop.tiktokOrderIds;
  await eventually(
    async () => {
      const c = await countsOf(shop.storeId);
      return c.pending === 0 &&
        c.failed === wanted.failed.length &&
        c.blocked === wanted.blocked.length
        ? c
        : undefined;
    },
    () => 'the seeded orders to be synced, blocked or failed',
    120_000,
  );
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await database?.drop();
});

describe('the admin app at /admin', () => {
  it('is served with its CSP, compressed, and every path under /admin opens it', async () => {
    const index = await fetch(`${serve.url}/admin/stores/x/orders`, {
      headers: { 'accept-encoding': 'br, gzip' },
    });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const script = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${serve.url}${script}`, { headers: { 'accept-encoding': 'br' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-encoding')).toBe('br');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // Read every body: an unread one keeps its socket open past the file's end.
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const missing = await fetch(`${serve.url}/admin/assets/missing.js`);
    expect(missing.status).toBe(404);
    await missing.arrayBuffer();
  });

  it('signs in with a token, and refuses a bad one', async () => {
    await page.goto(`${serve.url}/admin/`);
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('not an fbt-sync token').waitFor();
    await expectAccessible('sign-in');
    await screenshot(page, '01-sign-in');

    await page.getByLabel('API token').fill(adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Stores (2)' }).waitFor();
    await expectAccessible('stores');
    await screenshot(page, '02-stores');
  });

  it('shows the Orders view with counts per status, and pages by cursor', async () => {
    await page.getByRole('link', { name: 'Acme Outfitters' }).click();
    await page.getByRole('heading', { name: /Orders/ }).waitFor();
    const counts = await countsOf(shop.storeId);
    for (const [status, n] of Object.entries(counts))
      expect(await page.locator(`[data-count="${status.toUpperCase()}"]`).textContent()).toBe(
        String(n),
      );
    expect(await page.locator('[data-count="ALL"]').textContent()).toBe(String(ORDERS));
    expect(await page.locator('tbody tr').count()).toBe(25);
    await expectAccessible('orders');
    await screenshot(page, '03-orders');
    if (process.env.ADMIN_README_SCREENSHOT === '1')
      await page.screenshot({ path: path.resolve(__dirname, '../../docs/admin-orders.png') });

    const firstPage = await page.locator('tbody tr').first().getAttribute('data-order');
    await page.getByRole('button', { name: 'Older →' }).click();
    await page.getByText('Page 2').waitFor();
    await eventually(
      async () => ((await firstRow()) !== firstPage ? true : undefined),
      () => 'page 2 to show other orders',
    );
    await page.getByRole('button', { name: 'Older →' }).click();
    await page.getByText('Page 3').waitFor();
    await eventually(
      async () => ((await page.locator('tbody tr').count()) === 10 ? true : undefined),
      () => 'the last page to show the last 10 orders',
    );
    expect(await page.getByRole('button', { name: 'Older →' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: '← Newer' }).click();
    await page.getByRole('button', { name: '← Newer' }).click();
    await page.getByText('Page 1').waitFor();
    await eventually(
      async () => ((await firstRow()) === firstPage ? true : undefined),
      () => 'page 1 again',
    );
  });

  it('filters BLOCKED and FAILED orders with their reasons, FBT or seller, and by TikTok order id', async () => {
    await page.getByRole('button', { name: /^Blocked/ }).click();
    await page
      .getByText(`${shop.tiktokOrderIds.blocked.length} orders matching the filters`)
      .waitFor();
    const blockedRows = page.locator('tbody tr');
    expect(await blockedRows.count()).toBe(shop.tiktokOrderIds.blocked.length);
    for (const reason of await page.locator('tbody td.reason').allTextContents())
      expect(reason).toMatch(/AWAITING_COLLECTION/);
    await screenshot(page, '04-orders-blocked');

    await page.getByRole('button', { name: /^Failed/ }).click();
    await page
      .getByText(`${shop.tiktokOrderIds.failed.length} orders matching the filters`)
      .waitFor();
    for (const reason of await page.locator('tbody td.reason').allTextContents())
      expect(reason).toContain(REJECTED_SKU);
    await screenshot(page, '05-orders-failed');

    await page.getByRole('button', { name: /^All/ }).click();
    await page.getByLabel('Fulfilled by').selectOption('SELLER');
    await page.getByText('24 orders matching the filters').waitFor();
    expect(new Set(await page.locator('tbody td:nth-child(2)').allTextContents())).toEqual(
      new Set(['Seller']),
    );
    await page.getByLabel('Fulfilled by').selectOption('FBT');
    await page.getByText('36 orders matching the filters').waitFor();
    await page.getByLabel('Fulfilled by').selectOption('');

    const wanted = shop.tiktokOrderIds.synced[3]!;
    await page.getByLabel('TikTok order id').fill(wanted);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 order matching the filters').waitFor();
    expect(await page.locator('tbody tr').getAttribute('data-order')).toBe(wanted);
    await expectAccessible('orders-search');
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByText(`${ORDERS} orders, newest first`).waitFor();
  });

  it("shows an order's timeline: why blocked, why synced, what was deducted where", async () => {
    await page.goto(
      `${serve.url}/admin/orders/${await orderIdOf(shop.tiktokOrderIds.blocked[0]!)}`,
    );
    await page.getByRole('heading', { name: /TikTok order/ }).waitFor();
    await page.getByText('Why blocked:').waitFor();
    const blocked = page.locator('[data-event="OrderBlocked"]');
    expect(await blocked.textContent()).toMatch(/AWAITING_COLLECTION/);
    await expectAccessible('order-blocked');
    await screenshot(page, '06-order-blocked');

    // Placed at AWAITING_COLLECTION: synced as fulfilled, deducted at TikTok Shop.
    const collected = shop.tiktokOrderIds.synced.find((_, i) => i === 0)!;
    await page.goto(`${serve.url}/admin/orders/${await orderIdOf(collected)}`);
    await page.locator('[data-event="OrderSynced"]').waitFor();
    expect(await page.locator('[data-event="OrderSyncRequested"]').textContent()).toMatch(
      /FULFILLED/,
    );
    expect(await page.locator('[data-event="InventoryDeducted"]').textContent()).toMatch(
      /TikTok Shop/,
    );
    await expectAccessible('order-synced');
    await screenshot(page, '07-order-synced');
  });

  it('turns a BLOCKED order SYNCED on screen, without a reload, once TikTok reports AWAITING_COLLECTION', async () => {
    await page.goto(`${serve.url}/admin/stores/${shop.storeId}/orders`);
    await page.getByText(`${ORDERS} orders, newest first`).waitFor();
    await page.evaluate('window.notReloaded = true');
    const blockedBefore = Number(await page.locator('[data-count="BLOCKED"]').textContent());

    // A new FBT order appears on page 1 by itself, BLOCKED ...
    const live = '576499999999999001';
    await api.recordTikTokOrder({
      storeId: shop.storeId,
      tiktokOrderId: live,
      fulfillmentType: 'FULFILLED_BY_TIKTOK',
      status: 'AWAITING_SHIPMENT',
      lineItems: [{ sku: 'MUG-RED', title: 'Red mug', quantity: 1, unitPrice: '12.50' }],
      currency: 'USD',
      placedAt: new Date().toISOString(),
    });
    const row = page.locator(`tbody tr[data-order="${live}"]`);
    await row.getByText('Blocked').waitFor({ timeout: 20_000 });
    await page
      .locator('[data-count="BLOCKED"]')
      .getByText(String(blockedBefore + 1))
      .waitFor();
    await screenshot(page, '08-live-blocked');

    // ... and turns SYNCED when its status is recorded through the API.
    await api.recordTikTokOrderStatus({
      storeId: shop.storeId,
      tiktokOrderId: live,
      status: 'AWAITING_COLLECTION',
    });
    await row.getByText('Synced').waitFor({ timeout: 20_000 });
    expect(await row.locator('td:nth-child(3)').textContent()).toBe('AWAITING_COLLECTION');
    await page.locator('[data-count="BLOCKED"]').getByText(String(blockedBefore)).waitFor();
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    await screenshot(page, '09-live-synced');
  });

  it('retries a FAILED order, which then syncs on screen', async () => {
    const failed = shop.tiktokOrderIds.failed[0]!;
    await page.goto(`${serve.url}/admin/orders/${await orderIdOf(failed)}`);
    await page.getByText('Why it failed:').waitFor();
    expect(await page.locator('.callout.failed').textContent()).toContain(REJECTED_SKU);
    await expectAccessible('order-failed');
    await screenshot(page, '10-order-failed');
    // The cause is fixed on the platform's side; then the operator retries.
    await database.db.updateTable('sandbox_settings').set({ reject_skus: [] }).execute();
    await page.getByRole('button', { name: 'Retry sync' }).click();
    await page.getByRole('status').getByText('Queued for another sync attempt.').waitFor();
    await page.locator('h1 .badge-synced').waitFor({ timeout: 20_000 });
    await page.locator('[data-event="OrderSynced"]').waitFor();
    await screenshot(page, '11-order-retried');
  });

  it('edits the FBT rules, with userErrors under their field, and gates modes by plan and platform', async () => {
    await page.goto(`${serve.url}/admin/stores/${shop.storeId}/settings`);
    await page.getByRole('heading', { name: /Settings/ }).waitFor();
    expect(await page.getByLabel(/Wait for AWAITING_COLLECTION/).isChecked()).toBe(true);
    // The Shopify app's installation, with the link that installs it on the store's shop.
    const connection = page.getByTestId('shopify-connection');
    expect(await connection.textContent()).toMatch(/^Not installed/);
    expect(
      await connection.getByRole('link', { name: 'Install the app' }).getAttribute('href'),
    ).toBe(
      `/auth/shopify?shop=acme-outfitters.myshopify.com&store=${encodeURIComponent(shop.storeId)}`,
    );
    const authorization = page.getByTestId('tiktok-authorization');
    expect(await authorization.textContent()).toMatch(/^Not authorized/);
    expect(
      await authorization.getByRole('link', { name: 'Authorize the app' }).getAttribute('href'),
    ).toBe(`/auth/tiktok-shop?store=${encodeURIComponent(shop.storeId)}`);
    await page.getByLabel('Tag on FBT orders (Shopify only)').fill('fbt,tiktok');
    await page.getByRole('button', { name: 'Save rules' }).click();
    const tagError = page.locator('#orderTag-errors');
    await tagError.waitFor();
    expect(await tagError.textContent()).toMatch(/comma/i);
    expect(
      await page.getByLabel('Tag on FBT orders (Shopify only)').getAttribute('aria-invalid'),
    ).toBe('true');
    await expectAccessible('settings-error');
    await screenshot(page, '12-settings-user-error');

    await page.getByLabel('Tag on FBT orders (Shopify only)').fill('TikTok-FBT');
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    await page.getByText('by ops@acme.test').waitFor();
    const rules = (await api.store(shop.storeId))!.fbtSyncRules;
    expect(rules).toEqual({ mode: 'WAIT_FOR_AWAITING_COLLECTION', orderTag: 'TikTok-FBT' });

    await page.goto(`${serve.url}/admin/stores/${smallStoreId}/settings`);
    await page.getByRole('heading', { name: /Corner Shop/ }).waitFor();
    const wait = page.getByLabel(/Wait for AWAITING_COLLECTION/);
    expect(await wait.isDisabled()).toBe(true);
    await page
      .getByText(/configurable on the PRO and ENTERPRISE plans; this store is on FREE/)
      .waitFor();
    expect(await page.getByLabel('Tag on FBT orders (Shopify only)').isDisabled()).toBe(true);
    await page.getByText('Tags are a Shopify option; this store is on WOOCOMMERCE.').waitFor();
    await expectAccessible('settings-gated');
    await screenshot(page, '13-settings-gated');
  });

  it('shows the projections and their lag to an admin', async () => {
    await page.getByRole('link', { name: 'Projections' }).click();
    await page.getByRole('heading', { name: 'Projections' }).waitFor();
    await page.getByRole('cell', { name: 'orders', exact: true }).waitFor();
    const names = await page.locator('tbody td:first-child').allTextContents();
    expect(names.sort()).toEqual(['inventory', 'orders', 'stores']);
    await expectAccessible('projections');
    await screenshot(page, '14-projections');
  });

  it('shows a store token its own store only', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    const token = await signToken(
      AUTH_SECRET,
      { role: 'store', sub: 'corner-shop', storeId: smallStoreId },
      '1h',
    );
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Orders · Corner Shop/ }).waitFor();
    expect(await page.getByRole('link', { name: 'Projections' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Stores' }).count()).toBe(0);
    await page.goto(`${serve.url}/admin/stores/${shop.storeId}/orders`);
    await page.getByText('or this token may not see it').waitFor();
    await screenshot(page, '15-store-token');
  });
});
