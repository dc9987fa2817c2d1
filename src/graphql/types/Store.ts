import { Field, ID, Int, ObjectType } from 'type-graphql';
import {
  availableFbtSyncModes,
  type EcommercePlatform as EcommercePlatformValue,
  type FbtSyncMode as FbtSyncModeValue,
  type Plan as PlanValue,
} from '../../domain/storeVocabulary';
import { installPath } from '../../adapters/shopify/auth/shopifyAccessTokens';
import type { StoreRow } from '../../projections/storeRow';
import { DateTimeScalar } from '../scalars/DateTimeScalar';
import { EcommercePlatform, FbtSyncMode, OnHoldOrders, Plan } from './enums';
import { FbtSyncRules } from './FbtSyncRules';
import { ShopifyConnection } from './ShopifyConnection';

/**
 * A store as the API shows it: a view over its stores row (read from the read
 * model, or built from a command's folded state). Its orders, counts and
 * inventory are resolved in StoreFields.
 */
@ObjectType('Store', {
  simpleResolvers: true,
  description:
    'A TikTok Shop connected to an e-commerce platform, with the sync rules for its orders Fulfilled by TikTok.',
})
export class Store {
  constructor(readonly row: StoreRow) {}

  @Field(() => ID, { description: "The store's id (follows from its TikTok shop id)." })
  get id(): string {
    return this.row.id;
  }

  @Field(() => String, { description: "The store's name." })
  get name(): string {
    return this.row.name;
  }

  @Field(() => String, { description: "The TikTok Shop's shop id." })
  get tiktokShopId(): string {
    return this.row.tiktok_shop_id;
  }

  @Field(() => EcommercePlatform, { description: 'The platform its orders are synced into.' })
  get platform(): EcommercePlatformValue {
    return this.row.platform;
  }

  @Field(() => String, {
    nullable: true,
    description: 'Shopify shop domain, e.g. acme.myshopify.com; null on other platforms.',
  })
  get shopDomain(): string | null {
    return this.row.shop_domain;
  }

  @Field(() => Plan, { description: "The store's plan." })
  get plan(): PlanValue {
    return this.row.plan;
  }

  @Field(() => FbtSyncRules, {
    description:
      'The FBT sync rules chosen for the store. Orders placed while the plan does not include them use the default.',
  })
  get fbtSyncRules(): FbtSyncRules {
    return {
      mode: this.row.fbt_mode,
      orderTag: this.row.fbt_order_tag,
      updatedAt: this.row.fbt_updated_at,
      updatedBy: this.row.fbt_updated_by,
    };
  }

  @Field(() => [FbtSyncMode], {
    description: 'The modes this store may choose now, given its plan and platform.',
  })
  get availableFbtSyncModes(): FbtSyncModeValue[] {
    return availableFbtSyncModes(this.plan, this.platform);
  }

  @Field(() => OnHoldOrders, {
    description:
      "How paid orders in TikTok Shop's ON_HOLD window are treated (every plan; orders placed afterwards).",
  })
  get onHoldOrders(): string {
    return this.row.on_hold_orders;
  }

  @Field(() => Boolean, {
    description:
      "Whether completed returns go back into the platform's stock where the platform was deducted (never for FBT).",
  })
  get restockReturns(): boolean {
    return this.row.restock_returns;
  }

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the order settings were last changed; null while never changed.',
  })
  get orderSettingsUpdatedAt(): Date | null {
    return this.row.order_settings_updated_at;
  }

  @Field(() => ShopifyConnection, {
    nullable: true,
    description:
      "The Shopify app's installation on the store's shop; null for a store on another platform.",
  })
  get shopifyConnection(): ShopifyConnection | null {
    if (this.row.platform !== 'SHOPIFY' || this.row.shop_domain === null) return null;
    const connection = this.row.shopify_connection;
    return {
      state: connection?.state ?? 'NOT_INSTALLED',
      scopes: connection?.scopes ?? [],
      installedAt: connection === null ? null : new Date(connection.installedAt),
      uninstalledAt: connection?.uninstalledAt == null ? null : new Date(connection.uninstalledAt),
      installPath: installPath(this.row.shop_domain),
    };
  }

  @Field(() => Int, {
    description:
      "Version of the store's event stream; pass it as expectedVersion to guard concurrent edits.",
  })
  get version(): number {
    return this.row.version;
  }

  @Field(() => DateTimeScalar, { description: 'When the store was connected.' })
  get createdAt(): Date {
    return this.row.created_at;
  }
}
