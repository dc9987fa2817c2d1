import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import {
  changeStorePlan,
  connectStore,
  type StoreResult,
  updateFbtSyncRules,
  updateOrderSettings,
} from '../../commands/storeCommands';
import { storeToRow } from '../../projections/storeRow';
import { commandContextOf, type GraphqlContext } from '../context';
import { requireAdmin, requireStoreAccess } from '../edge/access';
import {
  changeStorePlanCommand,
  connectStoreCommand,
  updateFbtSyncRulesCommand,
  updateOrderSettingsCommand,
} from '../edge/storeCommandInputs';
import { withUserErrors } from '../edge/userErrors';
import {
  ChangeStorePlanInput,
  ConnectStoreInput,
  UpdateFbtSyncRulesInput,
  UpdateOrderSettingsInput,
} from '../inputs/storeInputs';
import { FbtSyncRulesPayload, StorePayload } from '../types/payloads';
import { Store } from '../types/Store';

/** The payload's store is the command's folded state (read-your-writes), not the lagging read model. */
const storeOf = ({ state, version }: StoreResult) => new Store(storeToRow(state!, version));

@Resolver()
export class StoreMutations {
  @Mutation(() => StorePayload, {
    description: 'Connect a TikTok Shop to an e-commerce platform. Admin only.',
  })
  connectStore(
    @Arg('input', () => ConnectStoreInput, { description: 'The shop and its platform.' })
    input: ConnectStoreInput,
    @Ctx() context: GraphqlContext,
  ): Promise<StorePayload> {
    requireAdmin(context.viewer, 'connectStore');
    return withUserErrors<StorePayload>(
      async () => ({
        store: storeOf(await connectStore(commandContextOf(context), connectStoreCommand(input))),
        userErrors: [],
      }),
      (userErrors) => ({ store: null, userErrors }),
    );
  }

  @Mutation(() => StorePayload, {
    description:
      "Change the store's plan. Admin only. Leaving PRO/ENTERPRISE resets the FBT sync rules to the default.",
  })
  changeStorePlan(
    @Arg('input', () => ChangeStorePlanInput, { description: 'The store and its new plan.' })
    input: ChangeStorePlanInput,
    @Ctx() context: GraphqlContext,
  ): Promise<StorePayload> {
    requireAdmin(context.viewer, 'changeStorePlan');
    return withUserErrors<StorePayload>(
      async () => ({
        store: storeOf(
          await changeStorePlan(commandContextOf(context), changeStorePlanCommand(input)),
        ),
        userErrors: [],
      }),
      (userErrors) => ({ store: null, userErrors }),
    );
  }

  @Mutation(() => FbtSyncRulesPayload, {
    description:
      'Change the FBT order sync rules of a store (PRO and ENTERPRISE plans). They apply to orders placed afterwards.',
  })
  updateFbtSyncRules(
    @Arg('input', () => UpdateFbtSyncRulesInput, { description: 'The store and its new rules.' })
    input: UpdateFbtSyncRulesInput,
    @Ctx() context: GraphqlContext,
  ): Promise<FbtSyncRulesPayload> {
    return withUserErrors<FbtSyncRulesPayload>(
      async () => {
        const command = updateFbtSyncRulesCommand(input);
        requireStoreAccess(context.viewer, command.storeId, ['storeId'], 'no such store');
        const store = storeOf(await updateFbtSyncRules(commandContextOf(context), command));
        return { store, fbtSyncRules: store.fbtSyncRules, userErrors: [] };
      },
      (userErrors) => ({ store: null, fbtSyncRules: null, userErrors }),
    );
  }

  @Mutation(() => StorePayload, {
    description:
      "Change a store's order settings (onHoldOrders, restockReturns), on any plan. They apply to orders placed afterwards.",
  })
  updateOrderSettings(
    @Arg('input', () => UpdateOrderSettingsInput, {
      description: 'The store and its new order settings.',
    })
    input: UpdateOrderSettingsInput,
    @Ctx() context: GraphqlContext,
  ): Promise<StorePayload> {
    return withUserErrors<StorePayload>(
      async () => {
        const command = updateOrderSettingsCommand(input);
        requireStoreAccess(context.viewer, command.storeId, ['storeId'], 'no such store');
        return {
          store: storeOf(await updateOrderSettings(commandContextOf(context), command)),
          userErrors: [],
        };
      },
      (userErrors) => ({ store: null, userErrors }),
    );
  }
}
