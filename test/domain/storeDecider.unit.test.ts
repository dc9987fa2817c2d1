import { describe, expect, it } from '@jest/globals';
import {
  orderSettingsInForce,
  rulesInForce,
  storeDecider,
  type ConnectStore,
} from '../../src/domain/storeDecider';
import type { StoreEvent } from '../../src/domain/storeEvents';
import {
  availableFbtSyncModes,
  type EcommercePlatform,
  type FbtSyncMode,
  type OnHoldOrders,
  type Plan,
} from '../../src/domain/storeVocabulary';
import { deciderSpec } from '../support/deciderSpec';

const given = deciderSpec(storeDecider);
const NOW = '2026-11-28T10:00:00.000Z';

function connect(
  platform: EcommercePlatform = 'SHOPIFY',
  plan: Plan = 'PRO',
  shopDomain: string | null = 'acme.myshopify.com',
): ConnectStore {
  return {
    type: 'ConnectStore',
    data: {
      storeId: 's-1',
      name: 'Acme',
      tiktokShopId: '7494001',
      platform,
      plan,
      shopDomain,
      now: NOW,
      actor: 'admin',
    },
  };
}
const connected = (...args: Parameters<typeof connect>): StoreEvent[] =>
  storeDecider.decide(connect(...args), null);
const rules = (mode: FbtSyncMode, orderTag: string | null = null) => ({
  type: 'UpdateFbtSyncRules' as const,
  data: { mode, orderTag, now: NOW, actor: 'merchant@acme' },
});
const plan = (to: Plan) => ({
  type: 'ChangeStorePlan' as const,
  data: { plan: to, now: NOW, actor: 'admin' },
});

describe('connecting a store', () => {
  it('connects a Shopify store with its shop domain, normalized, on the default rules', () => {
    const when = given([]).when(connect('SHOPIFY', 'PRO', ' Acme.MyShopify.com '));
    expect(when.then(() => {})).toEqual([
      {
        type: 'StoreConnected',
        data: {
          storeId: 's-1',
          name: 'Acme',
          tiktokShopId: '7494001',
          platform: 'SHOPIFY',
          shopDomain: 'acme.myshopify.com',
          plan: 'PRO',
          connectedAt: NOW,
          connectedBy: 'admin',
        },
      },
    ]);
    expect(when.state()?.rules).toEqual({
      mode: 'SYNC_AND_DEDUCT_INVENTORY',
      orderTag: null,
      updatedAt: null,
      updatedBy: null,
    });
  });

  it('needs a shop domain for Shopify, and takes none for other platforms', () => {
    given([])
      .when(connect('SHOPIFY', 'PRO', null))
      .thenThrows('INVALID_INPUT', ['shopDomain']);
    given([])
      .when(connect('SHOPIFY', 'PRO', 'not a domain'))
      .thenThrows('INVALID_INPUT', ['shopDomain']);
    given([])
      .when(connect('WOOCOMMERCE', 'PRO', 'acme.example'))
      .thenThrows('INVALID_INPUT', ['shopDomain']);
    expect(
      given([])
        .when(connect('WOOCOMMERCE', 'PRO', null))
        .then(() => {}),
    ).toHaveLength(1);
  });

  it('refuses a second connection of the same TikTok shop: ALREADY_EXISTS', () => {
    given(connected()).when(connect()).thenThrows('ALREADY_EXISTS', ['tiktokShopId']);
  });

  it('refuses an empty name and a malformed TikTok shop id', () => {
    const bad = connect();
    bad.data.name = '   ';
    bad.data.tiktokShopId = 'has space';
    const error = given([]).when(bad).thenThrows('INVALID_INPUT');
    expect(error.problems.map((p) => p.field)).toEqual([['name'], ['tiktokShopId']]);
  });
});

describe('FBT sync rules', () => {
  it('PRO and ENTERPRISE Shopify stores may choose WAIT_FOR_AWAITING_COLLECTION with a tag', () => {
    for (const p of ['PRO', 'ENTERPRISE'] as const) {
      const when = given(connected('SHOPIFY', p)).when(
        rules('WAIT_FOR_AWAITING_COLLECTION', '  TikTok FBT  '),
      );
      expect(when.then(() => {})).toEqual([
        {
          type: 'FbtSyncRulesChanged',
          data: {
            storeId: 's-1',
            mode: 'WAIT_FOR_AWAITING_COLLECTION',
            orderTag: 'TikTok FBT',
            previousMode: 'SYNC_AND_DEDUCT_INVENTORY',
            previousOrderTag: null,
            changedAt: NOW,
            changedBy: 'merchant@acme',
          },
        },
      ]);
      expect(when.state()?.rules).toEqual({
        mode: 'WAIT_FOR_AWAITING_COLLECTION',
        orderTag: 'TikTok FBT',
        updatedAt: NOW,
        updatedBy: 'merchant@acme',
      });
    }
  });

  it('FREE and ESSENTIALS cannot change the rules: PLAN_NOT_ELIGIBLE', () => {
    for (const p of ['FREE', 'ESSENTIALS'] as const) {
      given(connected('SHOPIFY', p))
        .when(rules('WAIT_FOR_AWAITING_COLLECTION'))
        .thenThrows('PLAN_NOT_ELIGIBLE');
      given(connected('SHOPIFY', p))
        .when(rules('SYNC_AND_DEDUCT_INVENTORY', 'tag'))
        .thenThrows('PLAN_NOT_ELIGIBLE');
    }
  });

  it('WAIT_FOR_AWAITING_COLLECTION and any tag on a non-Shopify store: PLATFORM_NOT_SUPPORTED', () => {
    for (const platform of ['WOOCOMMERCE', 'BIGCOMMERCE', 'MAGENTO', 'WIX'] as const) {
      const history = connected(platform, 'ENTERPRISE', null);
      given(history)
        .when(rules('WAIT_FOR_AWAITING_COLLECTION'))
        .thenThrows('PLATFORM_NOT_SUPPORTED', ['mode']);
      given(history)
        .when(rules('SYNC_AND_DEDUCT_INVENTORY', 'tag'))
        .thenThrows('PLATFORM_NOT_SUPPORTED', ['orderTag']);
      given(history).when(rules('SYNC_AND_DEDUCT_INVENTORY')).thenNothingHappened();
    }
  });

  it('a tag is trimmed, 1 to 40 characters, without commas', () => {
    const history = connected();
    given(history)
      .when(rules('SYNC_AND_DEDUCT_INVENTORY', '   '))
      .thenThrows('INVALID_INPUT', ['orderTag']);
    given(history)
      .when(rules('SYNC_AND_DEDUCT_INVENTORY', 'x'.repeat(41)))
      .thenThrows('INVALID_INPUT', ['orderTag']);
    given(history)
      .when(rules('SYNC_AND_DEDUCT_INVENTORY', 'a,b'))
      .thenThrows('INVALID_INPUT', ['orderTag']);
    given(history)
      .when(rules('SYNC_AND_DEDUCT_INVENTORY', 'tab\there'))
      .thenThrows('INVALID_INPUT', ['orderTag']);
    const [event] = given(history)
      .when(rules('SYNC_AND_DEDUCT_INVENTORY', ` ${'x'.repeat(40)} `))
      .then(() => {});
    expect(event).toMatchObject({ data: { orderTag: 'x'.repeat(40) } });
  });

  it('the same rules again change nothing; a null tag clears the tag', () => {
    const tagged = [
      ...connected(),
      ...storeDecider.decide(
        rules('SYNC_AND_DEDUCT_INVENTORY', 'FBT'),
        given(connected()).when(plan('PRO')).state(),
      ),
    ];
    given(tagged).when(rules('SYNC_AND_DEDUCT_INVENTORY', 'FBT')).thenNothingHappened();
    expect(
      given(tagged)
        .when(rules('SYNC_AND_DEDUCT_INVENTORY', null))
        .then(() => {})[0],
    ).toMatchObject({ data: { orderTag: null, previousOrderTag: 'FBT' } });
  });

  it('the rules of an unknown store: NOT_FOUND', () => {
    given([]).when(rules('SYNC_AND_DEDUCT_INVENTORY')).thenThrows('NOT_FOUND', ['storeId']);
  });

  it('the modes a store may choose follow its plan and platform', () => {
    expect(availableFbtSyncModes('PRO', 'SHOPIFY')).toEqual([
      'SYNC_AND_DEDUCT_INVENTORY',
      'WAIT_FOR_AWAITING_COLLECTION',
    ]);
    expect(availableFbtSyncModes('FREE', 'SHOPIFY')).toEqual(['SYNC_AND_DEDUCT_INVENTORY']);
    expect(availableFbtSyncModes('ENTERPRISE', 'WIX')).toEqual(['SYNC_AND_DEDUCT_INVENTORY']);
  });
});

describe('plan changes', () => {
  const customised = [
    ...connected('SHOPIFY', 'PRO'),
    ...storeDecider.decide(
      rules('WAIT_FOR_AWAITING_COLLECTION', 'FBT'),
      storeDecider.decide(connect(), null).reduce(storeDecider.evolve, null),
    ),
  ];

  it('leaving PRO/ENTERPRISE resets customised rules to the default with an event of its own', () => {
    for (const to of ['FREE', 'ESSENTIALS'] as const) {
      const when = given(customised).when(plan(to));
      const events = when.then(() => {});
      expect(events.map((e) => e.type)).toEqual(['StorePlanChanged', 'FbtSyncRulesReset']);
      expect(events[1]).toMatchObject({
        data: {
          mode: 'SYNC_AND_DEDUCT_INVENTORY',
          orderTag: null,
          previousMode: 'WAIT_FOR_AWAITING_COLLECTION',
          previousOrderTag: 'FBT',
        },
      });
      const state = when.state()!;
      expect(state.rules).toMatchObject({ mode: 'SYNC_AND_DEDUCT_INVENTORY', orderTag: null });
      expect(rulesInForce(state)).toEqual({ mode: 'SYNC_AND_DEDUCT_INVENTORY', orderTag: null });
    }
  });

  it('moving between PRO and ENTERPRISE keeps the rules; the same plan changes nothing', () => {
    expect(
      given(customised)
        .when(plan('ENTERPRISE'))
        .then(() => {})
        .map((e) => e.type),
    ).toEqual(['StorePlanChanged']);
    given(customised).when(plan('PRO')).thenNothingHappened();
  });

  it('leaving PRO with default rules needs no reset', () => {
    expect(
      given(connected())
        .when(plan('FREE'))
        .then(() => {})
        .map((e) => e.type),
    ).toEqual(['StorePlanChanged']);
  });

  it('an unknown plan is INVALID_INPUT', () => {
    given(connected())
      .when(plan('PLATINUM' as Plan))
      .thenThrows('INVALID_INPUT', ['plan']);
  });
});

describe('order settings (every plan)', () => {
  const settings = (onHoldOrders: OnHoldOrders, restockReturns: boolean) => ({
    type: 'UpdateOrderSettings' as const,
    data: { onHoldOrders, restockReturns, now: NOW, actor: 'merchant@acme' },
  });

  it('a new store waits for release and does not restock returns', () => {
    const state = given([]).when(connect()).state()!;
    expect(state.orderSettings).toEqual({
      onHoldOrders: 'WAIT_FOR_RELEASE',
      restockReturns: false,
      updatedAt: null,
      updatedBy: null,
    });
    expect(orderSettingsInForce(state)).toEqual({
      onHoldOrders: 'WAIT_FOR_RELEASE',
      restockReturns: false,
    });
  });

  it('any plan on any platform may choose SYNC_ON_HOLD and restockReturns, recorded with what they were', () => {
    for (const p of ['FREE', 'ESSENTIALS', 'PRO', 'ENTERPRISE'] as const)
      for (const platform of ['SHOPIFY', 'WIX'] as const) {
        const history = connected(
          platform,
          p,
          platform === 'SHOPIFY' ? 'acme.myshopify.com' : null,
        );
        const when = given(history).when(settings('SYNC_ON_HOLD', true));
        expect(when.then(() => {})).toEqual([
          {
            type: 'StoreOrderSettingsChanged',
            data: {
              storeId: 's-1',
              onHoldOrders: 'SYNC_ON_HOLD',
              restockReturns: true,
              previousOnHoldOrders: 'WAIT_FOR_RELEASE',
              previousRestockReturns: false,
              changedAt: NOW,
              changedBy: 'merchant@acme',
            },
          },
        ]);
        expect(when.state()!.orderSettings).toEqual({
          onHoldOrders: 'SYNC_ON_HOLD',
          restockReturns: true,
          updatedAt: NOW,
          updatedBy: 'merchant@acme',
        });
      }
  });

  it('the same settings again change nothing; a plan change keeps them', () => {
    given(connected()).when(settings('WAIT_FOR_RELEASE', false)).thenNothingHappened();
    const chosen = [
      ...connected(),
      ...storeDecider.decide(
        settings('SYNC_ON_HOLD', true),
        connected().reduce(storeDecider.evolve, null),
      ),
    ];
    given(chosen).when(settings('SYNC_ON_HOLD', true)).thenNothingHappened();
    const afterPlan = given(chosen).when(plan('FREE'));
    expect(afterPlan.then(() => {}).map((e) => e.type)).toEqual(['StorePlanChanged']);
    expect(orderSettingsInForce(afterPlan.state()!)).toEqual({
      onHoldOrders: 'SYNC_ON_HOLD',
      restockReturns: true,
    });
  });

  it('refuses an unknown onHoldOrders and a restockReturns that is not a boolean: INVALID_INPUT, naming each', () => {
    const error = given(connected())
      .when({
        type: 'UpdateOrderSettings',
        data: {
          onHoldOrders: 'SOMETIMES' as OnHoldOrders,
          restockReturns: 'yes' as unknown as boolean,
          now: NOW,
          actor: 'a',
        },
      })
      .thenThrows('INVALID_INPUT');
    expect(error.problems.map((p) => p.field)).toEqual([['onHoldOrders'], ['restockReturns']]);
  });

  it('an unknown store is NOT_FOUND', () => {
    given([]).when(settings('SYNC_ON_HOLD', false)).thenThrows('NOT_FOUND', ['storeId']);
  });
});

describe("the Shopify app's installation", () => {
  const install = (scopes: string[], shopDomain = 'acme.myshopify.com') => ({
    type: 'RecordShopifyInstall' as const,
    data: { shopDomain, scopes, now: NOW, actor: 'shopify-oauth' },
  });
  const uninstall = (webhookId: string | null = 'wh-1', shopDomain = 'acme.myshopify.com') => ({
    type: 'RecordShopifyUninstall' as const,
    data: { shopDomain, webhookId, now: '2026-11-29T10:00:00.000Z', actor: 'shopify-webhook' },
  });
  const installed = (): StoreEvent[] => [
    ...connected(),
    ...storeDecider.decide(
      install(['write_orders', 'read_products']),
      connected().reduce(storeDecider.evolve, null),
    ),
  ];

  it('records the install with its scopes, sorted, and no token; the store shows it INSTALLED', () => {
    const when = given(connected()).when(
      install(['write_orders', 'read_products', 'write_orders']),
    );
    expect(when.then(() => {})).toEqual([
      {
        type: 'ShopifyAppInstalled',
        data: {
          storeId: 's-1',
          shopDomain: 'acme.myshopify.com',
          scopes: ['read_products', 'write_orders'],
          installedAt: NOW,
          installedBy: 'shopify-oauth',
        },
      },
    ]);
    expect(when.state()!.shopifyConnection).toEqual({
      state: 'INSTALLED',
      scopes: ['read_products', 'write_orders'],
      installedAt: NOW,
      uninstalledAt: null,
    });
  });

  it('the same install again appends nothing; new scopes are recorded', () => {
    given(installed())
      .when(install(['read_products', 'write_orders']))
      .thenNothingHappened();
    const more = given(installed()).when(install(['read_products', 'write_orders', 'read_orders']));
    expect(more.then(() => {}).map((e) => e.type)).toEqual(['ShopifyAppInstalled']);
  });

  it('an uninstall is recorded once; a reinstall after it is recorded again', () => {
    const when = given(installed()).when(uninstall());
    const [event] = when.then(() => {});
    expect(event).toMatchObject({
      type: 'ShopifyAppUninstalled',
      data: { storeId: 's-1', webhookId: 'wh-1', uninstalledAt: '2026-11-29T10:00:00.000Z' },
    });
    expect(when.state()!.shopifyConnection).toMatchObject({
      state: 'UNINSTALLED',
      uninstalledAt: '2026-11-29T10:00:00.000Z',
    });
    const after = [...installed(), event!];
    given(after).when(uninstall('wh-2')).thenNothingHappened();
    given(connected()).when(uninstall()).thenNothingHappened();
    expect(
      given(after)
        .when(install(['read_products', 'write_orders']))
        .then(() => {})
        .map((e) => e.type),
    ).toEqual(['ShopifyAppInstalled']);
  });

  it("refuses another shop's install, a store not on Shopify, a malformed scope and an unknown store", () => {
    given(connected())
      .when(install(['write_orders'], 'other.myshopify.com'))
      .thenThrows('INVALID_INPUT', ['shopDomain']);
    given(connected())
      .when(uninstall('w', 'other.myshopify.com'))
      .thenThrows('INVALID_INPUT', ['shopDomain']);
    given(storeDecider.decide(connect('WOOCOMMERCE', 'PRO', null), null))
      .when(install(['write_orders'], ''))
      .thenThrows('PLATFORM_NOT_SUPPORTED', ['platform']);
    given(connected())
      .when(install(['write orders']))
      .thenThrows('INVALID_INPUT', ['scopes']);
    given([])
      .when(install(['write_orders']))
      .thenThrows('NOT_FOUND', ['storeId']);
  });
});
