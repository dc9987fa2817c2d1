#!/usr/bin/env node
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../config';
import { DatabaseUnreachable } from '../db/database';
import { EmbeddedPostgresError } from '../adapters/embeddedPostgres';
import { createLogger } from '../main';
import { migrateCommand } from './migrateCommand';
import { serveCommand } from './serveCommand';

/** Exit 1 with the reason on one line for the failures an operator can fix; a stack trace for bugs. */
function fail(error: unknown): never {
  if (error instanceof ConfigError || error instanceof DatabaseUnreachable) {
    process.stderr.write(`fbt-sync: ${error.message}\n`);
  } else if (error instanceof EmbeddedPostgresError) {
    process.stderr.write(`fbt-sync: ${error.message}\n`);
  } else {
    process.stderr.write(
      `fbt-sync: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
}

export function buildProgram(): Command {
  const program = new Command('fbt-sync')
    .description(
      'TikTok Shop order sync with Fulfilled-by-TikTok rules, over an event-sourced core.',
    )
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  const config = () => loadConfig();

  program
    .command('serve')
    .description('apply migrations, then serve the API, the projections and the sync worker')
    .action(async () => {
      const cfg = config();
      await serveCommand(cfg, createLogger(cfg));
    });
  program
    .command('migrate')
    .description('apply database migrations and exit')
    .action(async () => {
      const cfg = config();
      await migrateCommand(cfg, createLogger(cfg));
    });
  return program;
}

export async function run(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; bad usage exits 2.
      process.exit(error.exitCode === 0 ? 0 : 2);
    }
    fail(error);
  }
}

if (require.main === module) void run(process.argv);
