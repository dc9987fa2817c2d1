#!/usr/bin/env node
import 'reflect-metadata';
import { Command, CommanderError, Option } from 'commander';
import pino from 'pino';
import { EmbeddedPostgresError } from '../adapters/embeddedPostgres';
import { type Config, ConfigError, loadConfig } from '../config';
import { DatabaseUnreachable } from '../db/database';
import { createLogger } from '../logger';
import { RebuildBusy } from '../projections/rebuild';
import { auditCommand, OrderNotFound } from './auditCommand';
import { exportCommand } from './exportCommand';
import { migrateCommand } from './migrateCommand';
import { reconcileCommand, type ReconcileOptions } from './reconcileCommand';
import { replayCommand } from './replayCommand';
import { tokenCommand, type TokenOptions } from './tokenCommand';
import { UsageError } from './usageError';
import { verifyCommand } from './verifyCommand';
import { failedWebhooksCommand, requeueWebhooksCommand } from './webhooksCommand';

/** Failures an operator can act on: one line, no stack trace. */
const explained = [
  ConfigError,
  DatabaseUnreachable,
  EmbeddedPostgresError,
  RebuildBusy,
  OrderNotFound,
];

function fail(error: unknown): never {
  if (error instanceof UsageError) {
    process.stderr.write(`fbt-sync: ${error.message}\n`);
    process.exit(2);
  }
  const known = explained.some((kind) => error instanceof kind);
  const text =
    error instanceof Error
      ? known
        ? error.message
        : (error.stack ?? error.message)
      : String(error);
  process.stderr.write(`fbt-sync: ${text}\n`);
  process.exit(1);
}

/** Commands other than serve keep stdout for their output; their logs go to stderr. */
const commandLogger = (config: Config) =>
  pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination(2));

export function buildProgram(): Command {
  const program = new Command('fbt-sync')
    .description(
      'TikTok Shop order sync with Fulfilled-by-TikTok rules, over an event-sourced core.',
    )
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  const withConfig =
    <A extends unknown[]>(action: (config: Config, ...args: A) => Promise<number | void>) =>
    async (...args: A) => {
      const code = await action(loadConfig(), ...args);
      if (typeof code === 'number' && code !== 0) process.exitCode = code;
    };

  program
    .command('serve')
    .description('apply migrations, then serve the API, the projections and the sync worker')
    .action(
      withConfig(async (config) => {
        // The HTTP and GraphQL stack loads only for serve: every other command starts faster.
        const { serveCommand } = await import('./serveCommand.js');
        await serveCommand(config, createLogger(config));
      }),
    );
  program
    .command('migrate')
    .description('apply database migrations and exit')
    .action(withConfig((config) => migrateCommand(config, commandLogger(config))));
  program
    .command('token')
    .description(
      'print a signed API token (send it as Authorization: Bearer <token>), and nothing else',
    )
    .addOption(new Option('--admin', 'an admin token: sees and changes everything'))
    .addOption(new Option('--store <id>', 'a store token: sees and changes only this store'))
    .addOption(
      new Option(
        '--sub <name>',
        'who calls, the actor of its changes (default: "admin", or "store-<id>")',
      ),
    )
    .addOption(
      new Option(
        '--expires-in <duration>',
        'how long the token is valid: 90m, 12h, 30d, 2w',
      ).default('30d'),
    )
    .action(withConfig((config, options: TokenOptions) => tokenCommand(config, options)));
  program
    .command('replay')
    .description(
      'rebuild read models from the event log beside the live ones, then swap them in, without stopping the API',
    )
    .addOption(
      new Option('--projection <name>', 'only this projection (orders, stores, inventory)'),
    )
    .action(
      withConfig((config, options: { projection?: string }) =>
        replayCommand(config, commandLogger(config), options),
      ),
    );
  program
    .command('verify')
    .description(
      'rebuild every read model aside and compare it with the live one; exit 1 on any difference',
    )
    .action(withConfig((config) => verifyCommand(config, commandLogger(config))));
  program
    .command('export')
    .description('the event log as NDJSON on stdout, in global order')
    .addOption(
      new Option('--after <position>', 'only events after this global position (or checkpoint)'),
    )
    .addOption(new Option('--stream <id>', 'only the events of this stream'))
    .action(
      withConfig((config, options: { after?: string; stream?: string }) =>
        exportCommand(config, commandLogger(config), options),
      ),
    );
  program
    .command('audit')
    .description("an order's history, human-readable (ORDER_ID, or STORE_ID/TIKTOK_ORDER_ID)")
    .argument('<order>', 'the order id')
    .action(
      withConfig((config, order: string) => auditCommand(config, commandLogger(config), order)),
    );
  program
    .command('reconcile')
    .description(
      "search TikTok Shop's orders updated since each store's watermark and apply them like webhooks (lost webhooks)",
    )
    .addOption(new Option('--store <id>', 'only this store (its id, or its TikTok shop id)'))
    .addOption(
      new Option(
        '--since <instant>',
        'search from this ISO-8601 instant (e.g. 2026-12-01T00:00:00Z) instead of the watermark less 16 h',
      ),
    )
    .action(
      withConfig((config, options: ReconcileOptions) =>
        reconcileCommand(config, commandLogger(config), options),
      ),
    );
  const webhooks = program
    .command('webhooks')
    .description('TikTok webhooks we accepted and could not apply');
  webhooks
    .command('failed')
    .description('list failed webhooks as NDJSON on stdout, oldest first')
    .action(withConfig((config) => failedWebhooksCommand(config, commandLogger(config))));
  webhooks
    .command('requeue')
    .description(
      'queue failed webhooks again (all, or the notification ids given) once the cause is fixed',
    )
    .argument('[notificationIds...]', 'only these (default: every failed webhook)')
    .action(
      withConfig((config, ids: string[]) =>
        requeueWebhooksCommand(config, commandLogger(config), ids),
      ),
    );
  return program;
}

export async function run(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    // help and version exit 0; bad usage exits 2.
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    fail(error);
  }
}

if (require.main === module) void run(process.argv);
