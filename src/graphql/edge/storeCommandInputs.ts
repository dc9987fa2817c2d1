import type { ConnectStoreInput as ConnectStoreCommand } from '../../commands/storeCommands';
import { Problems } from '../../domain/domainError';
import type { FbtSyncMode, OnHoldOrders, Plan } from '../../domain/storeVocabulary';
import type {
  ChangeStorePlanInput,
  ConnectStoreInput,
  UpdateFbtSyncRulesInput,
  UpdateOrderSettingsInput,
} from '../inputs/storeInputs';
import { checkExpectedVersion, checkId } from './inputChecks';

/** Longer than any valid value, short enough that nothing huge reaches a command. */
const MAX_TEXT_LENGTH = 1000;

function checkText(problems: Problems, field: string, value: string | null | undefined): void {
  if (typeof value === 'string' && value.length > MAX_TEXT_LENGTH)
    problems.invalid([field], `${field} must be at most ${MAX_TEXT_LENGTH} characters`);
}

/** The inputs as the store commands take them; a DomainError (INVALID_INPUT) when the edge refuses them. */
export function connectStoreCommand(input: ConnectStoreInput): ConnectStoreCommand {
  const problems = new Problems();
  checkText(problems, 'name', input.name);
  checkId(problems, ['tiktokShopId'], input.tiktokShopId);
  checkText(problems, 'shopDomain', input.shopDomain);
  problems.throwIfAny();
  return {
    name: input.name,
    tiktokShopId: input.tiktokShopId,
    platform: input.platform,
    plan: input.plan,
    shopDomain: input.shopDomain ?? null,
  };
}

export function changeStorePlanCommand(input: ChangeStorePlanInput): {
  storeId: string;
  plan: Plan;
  expectedVersion?: number;
} {
  const problems = new Problems();
  checkId(problems, ['storeId'], input.storeId);
  const expectedVersion = checkExpectedVersion(problems, input.expectedVersion);
  problems.throwIfAny();
  return { storeId: input.storeId, plan: input.plan, expectedVersion };
}

export function updateFbtSyncRulesCommand(input: UpdateFbtSyncRulesInput): {
  storeId: string;
  mode: FbtSyncMode;
  orderTag: string | null;
  expectedVersion?: number;
} {
  const problems = new Problems();
  checkId(problems, ['storeId'], input.storeId);
  checkText(problems, 'orderTag', input.orderTag);
  const expectedVersion = checkExpectedVersion(problems, input.expectedVersion);
  problems.throwIfAny();
  return {
    storeId: input.storeId,
    mode: input.mode,
    orderTag: input.orderTag ?? null,
    expectedVersion,
  };
}

export function updateOrderSettingsCommand(input: UpdateOrderSettingsInput): {
  storeId: string;
  onHoldOrders: OnHoldOrders;
  restockReturns: boolean;
  expectedVersion?: number;
} {
  const problems = new Problems();
  checkId(problems, ['storeId'], input.storeId);
  const expectedVersion = checkExpectedVersion(problems, input.expectedVersion);
  problems.throwIfAny();
  return {
    storeId: input.storeId,
    onHoldOrders: input.onHoldOrders,
    restockReturns: input.restockReturns,
    expectedVersion,
  };
}
