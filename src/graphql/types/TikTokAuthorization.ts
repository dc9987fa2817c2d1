import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../scalars/DateTimeScalar';

export const TikTokAuthorizationState = {
  AUTHORIZED: 'AUTHORIZED',
  DEAUTHORIZED: 'DEAUTHORIZED',
  NOT_AUTHORIZED: 'NOT_AUTHORIZED',
} as const;
export type TikTokAuthorizationStateValue = keyof typeof TikTokAuthorizationState;
registerEnumType(TikTokAuthorizationState, {
  name: 'TikTokAuthorizationState',
  description: "Whether the store's seller authorized fbt-sync on TikTok Shop.",
  valuesConfig: {
    AUTHORIZED: {
      description: "The seller authorized the app: calls for the store use the store's own tokens.",
    },
    DEAUTHORIZED: {
      description:
        'The seller revoked the app (or TikTok refused to refresh its tokens): nothing is fetched for the store until it authorizes again.',
    },
    NOT_AUTHORIZED: {
      description:
        "The seller never authorized the app for this store; a one-store set-up's global token (TIKTOK_ACCESS_TOKEN) may serve it.",
    },
  },
});

@ObjectType('TikTokAuthorization', {
  simpleResolvers: true,
  description:
    "The store's connection to TikTok Shop's Open API. The tokens themselves are never shown.",
})
export class TikTokAuthorization {
  @Field(() => TikTokAuthorizationState, { description: 'Where the authorization stands.' })
  state!: TikTokAuthorizationStateValue;

  @Field(() => [String], {
    description:
      'The scopes TikTok Shop granted at the last authorization (kept after a revocation); empty when never authorized.',
  })
  grantedScopes!: string[];

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the seller authorized the app; null unless AUTHORIZED.',
  })
  authorizedAt!: Date | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the authorization was revoked; null unless DEAUTHORIZED.',
  })
  deauthorizedAt!: Date | null;

  @Field(() => String, {
    description:
      "Where to send the seller to authorize the app (again): a path on this service, /auth/tiktok-shop?store=ID, that redirects to TikTok Shop's authorization page.",
  })
  authorizeUrl!: string;
}
