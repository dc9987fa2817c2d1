import { Field, Int, ObjectType } from 'type-graphql';
import {
  CANCEL_ORDER_KEY,
  cancelLinesKey,
  type LineUnitsOf,
  type PlannedLine as PlannedLineValue,
  refundKey,
} from '../../domain/afterSyncVocabulary';
import type {
  AfterSync,
  PlatformMirroring as PlatformMirroringValue,
} from '../../domain/orderState';
import { DateTimeScalar } from '../scalars/DateTimeScalar';
import { DecimalScalar } from '../scalars/DecimalScalar';
import {
  CancelInitiator,
  MirroringKind,
  PlatformMirroringStatus,
  RestockType,
  ReturnType,
} from './enums';

@ObjectType('AfterSyncLine', {
  simpleResolvers: true,
  description: 'Units of one line of the order, as TikTok Shop reported them after sync.',
})
export class AfterSyncLine {
  @Field(() => Int, { description: "The line's index in the order's lineItems (from 0)." })
  line!: number;

  @Field(() => String, { description: "The line's SKU." })
  sku!: string;

  @Field(() => Int, { description: 'Units.' })
  quantity!: number;
}

@ObjectType('MirroredLine', {
  simpleResolvers: true,
  description:
    'Units of one line leaving the platform order, restocked the way restockType says, and why.',
})
export class MirroredLine extends AfterSyncLine {
  @Field(() => RestockType, { description: "Whether the units go back into the platform's stock." })
  restockType!: string;

  @Field(() => String, { description: 'Why they are restocked or not (the rules, in a sentence).' })
  why!: string;
}

@ObjectType('PlatformMirroring', {
  simpleResolvers: true,
  description:
    'One TikTok Shop fact after sync being made true on the platform order: its plan and where its attempts stand.',
})
export class PlatformMirroring {
  @Field(() => String, {
    description: 'Its key (cancel-order, cancel-lines:<id>, refund:<id>, release-hold).',
  })
  key!: string;

  @Field(() => MirroringKind, { description: 'What it does to the platform order.' })
  kind!: string;

  @Field(() => PlatformMirroringStatus, { description: 'Where it stands.' })
  status!: string;

  @Field(() => [MirroredLine], { description: 'The units it removes or refunds, per line.' })
  lines!: MirroredLine[];

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'The amount refunded on the platform; null when no money is refunded.',
  })
  amount!: string | null;

  @Field(() => String, { description: 'Why the platform order changes this way.' })
  why!: string;

  @Field(() => Int, { description: 'Attempts started, ever.' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed.' })
  failureReason!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The platform's id of what it made (a refund's id), when it has one.",
  })
  platformReference!: string | null;

  @Field(() => DateTimeScalar, { description: 'When it was decided.' })
  requestedAt!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the platform said so.' })
  mirroredAt!: string | null;
}

@ObjectType('OrderCancellation', {
  simpleResolvers: true,
  description: 'TikTok Shop cancelled the whole order after it was synced.',
})
export class OrderCancellation {
  @Field(() => String, { nullable: true, description: "TikTok's cancellation id, when given." })
  cancellationId!: string | null;

  @Field(() => String, { description: "TikTok Shop's cancel reason." })
  reason!: string;

  @Field(() => CancelInitiator, { description: 'Who cancelled.' })
  initiator!: string;

  @Field(() => DateTimeScalar, { description: 'When TikTok Shop says it was cancelled.' })
  cancelledAt!: string;

  @Field(() => PlatformMirroring, {
    nullable: true,
    description: 'The platform order being cancelled; null when nothing was asked of it.',
  })
  mirroring!: PlatformMirroring | null;
}

@ObjectType('LineCancellation', {
  simpleResolvers: true,
  description: 'TikTok Shop cancelled units of some lines of the order.',
})
export class LineCancellation {
  @Field(() => String, { description: "TikTok's cancellation id." })
  cancellationId!: string;

  @Field(() => [AfterSyncLine], { description: 'The cancelled units, per line.' })
  lines!: AfterSyncLine[];

  @Field(() => String, { description: "TikTok Shop's cancel reason." })
  reason!: string;

  @Field(() => CancelInitiator, { description: 'Who cancelled.' })
  initiator!: string;

  @Field(() => DateTimeScalar, { description: 'When TikTok Shop says they were cancelled.' })
  cancelledAt!: string;

  @Field(() => PlatformMirroring, {
    nullable: true,
    description: 'The lines leaving the platform order; null when nothing was asked of it.',
  })
  mirroring!: PlatformMirroring | null;
}

@ObjectType('OrderRefund', {
  simpleResolvers: true,
  description: 'A TikTok Shop return or refund of the order that completed.',
})
export class OrderRefund {
  @Field(() => String, { description: "TikTok's return id." })
  returnId!: string;

  @Field(() => ReturnType, { description: 'A refund only, or a return and refund.' })
  returnType!: string;

  @Field(() => [AfterSyncLine], { description: 'The refunded units, per line.' })
  lines!: AfterSyncLine[];

  @Field(() => DecimalScalar, { description: "TikTok's refund total." })
  amount!: string;

  @Field(() => String, { description: 'ISO 4217 currency of the amount.' })
  currency!: string;

  @Field(() => DateTimeScalar, { description: 'When it completed.' })
  completedAt!: string;

  @Field(() => PlatformMirroring, {
    nullable: true,
    description: 'The refund recorded on the platform order; null when nothing was asked of it.',
  })
  mirroring!: PlatformMirroring | null;
}

const linesOf = (lines: readonly LineUnitsOf[]): AfterSyncLine[] =>
  lines.map(({ line, sku, quantity }) => ({ line, sku, quantity }));

const mirroredLinesOf = (lines: readonly PlannedLineValue[]): MirroredLine[] =>
  lines.map(({ line, sku, quantity, restockType, why }) => ({
    line,
    sku,
    quantity,
    restockType,
    why,
  }));

export function platformMirroringOf(m: PlatformMirroringValue): PlatformMirroring {
  const { request } = m;
  return {
    key: m.key,
    kind: m.kind,
    status: m.status,
    lines:
      request.type === 'PlatformHoldReleaseRequested' ? [] : mirroredLinesOf(request.data.lines),
    amount: request.type === 'PlatformHoldReleaseRequested' ? null : request.data.amount,
    why: request.data.why,
    attempts: m.attempts,
    failureReason: m.failureReason,
    platformReference: m.platformReference,
    requestedAt: m.requestedAt,
    mirroredAt: m.mirroredAt,
  };
}

function mirroringWithKey(afterSync: AfterSync, key: string): PlatformMirroring | null {
  const found = afterSync.mirrorings.find((m) => m.key === key);
  return found === undefined ? null : platformMirroringOf(found);
}

export function orderCancellationOf(afterSync: AfterSync): OrderCancellation | null {
  const c = afterSync.cancellation;
  if (c === null) return null;
  return {
    cancellationId: c.cancellationId,
    reason: c.reason,
    initiator: c.initiator,
    cancelledAt: c.cancelledAt,
    mirroring: mirroringWithKey(afterSync, CANCEL_ORDER_KEY),
  };
}

export function lineCancellationsOf(afterSync: AfterSync): LineCancellation[] {
  return afterSync.facts.flatMap((fact) =>
    fact.type === 'OrderLinesCancelled'
      ? [
          {
            cancellationId: fact.data.cancellationId,
            lines: linesOf(fact.data.lines),
            reason: fact.data.reason,
            initiator: fact.data.initiator,
            cancelledAt: fact.data.cancelledAt,
            mirroring: mirroringWithKey(afterSync, cancelLinesKey(fact.data.cancellationId)),
          },
        ]
      : [],
  );
}

export function refundsOf(afterSync: AfterSync): OrderRefund[] {
  return afterSync.facts.flatMap((fact) =>
    fact.type === 'OrderRefundCompleted'
      ? [
          {
            returnId: fact.data.returnId,
            returnType: fact.data.returnType,
            lines: linesOf(fact.data.lines),
            amount: fact.data.amount,
            currency: fact.data.currency,
            completedAt: fact.data.completedAt,
            mirroring: mirroringWithKey(afterSync, refundKey(fact.data.returnId)),
          },
        ]
      : [],
  );
}
