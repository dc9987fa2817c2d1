import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../scalars/DateTimeScalar';

export const ShopifyConnectionState = {
  NOT_INSTALLED: 'NOT_INSTALLED',
  INSTALLED: 'INSTALLED',
  UNINSTALLED: 'UNINSTALLED',
} as const;
export type ShopifyConnectionStateValue = keyof typeof ShopifyConnectionState;

registerEnumType(ShopifyConnectionState, {
  name: 'ShopifyConnectionState',
  description: "Whether the Shopify app is installed on the store's shop.",
  valuesConfig: {
    NOT_INSTALLED: {
      description:
        'Never installed: syncs use the one-store SHOPIFY_ACCESS_TOKEN if the service has one, else they wait.',
    },
    INSTALLED: { description: "Installed: syncs use the shop's own token, kept encrypted." },
    UNINSTALLED: {
      description: 'Uninstalled from the shop: syncs wait until the app is installed again.',
    },
  },
});

@ObjectType('ShopifyConnection', {
  simpleResolvers: true,
  description:
    "The Shopify app's installation on a store's shop. Tokens are never shown: they are kept encrypted.",
})
export class ShopifyConnection {
  @Field(() => ShopifyConnectionState, {
    description: 'Installed, uninstalled or never installed.',
  })
  state!: ShopifyConnectionStateValue;

  @Field(() => [String], { description: 'The access scopes Shopify granted at the last install.' })
  scopes!: string[];

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was last installed.' })
  installedAt!: Date | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When Shopify said it was uninstalled; null while installed.',
  })
  uninstalledAt!: Date | null;

  @Field(() => String, {
    description:
      "Where the merchant installs (or reinstalls) the app: this service's /auth/shopify?shop=… path.",
  })
  installPath!: string;
}
