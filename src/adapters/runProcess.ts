import { spawn } from 'node:child_process';
import path from 'node:path';

/** An OS user to run a child as (root only: PostgreSQL refuses to run as root). */
export interface OsUser {
  uid: number;
  gid: number;
}

export interface RunOptions {
  user?: OsUser | undefined;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The line of a program's output that says why it failed: the last one naming
 * an error (initdb and postgres print a page before it), else the last one.
 */
export function tellingLine(output: string): string | undefined {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return [...lines].reverse().find((line) => /\b(error|fatal|panic)\b/i.test(line)) ?? lines.at(-1);
}

/**
 * Runs a program to completion and resolves with what it printed. Every way it
 * can fail rejects with an Error: a spawn that fails (EACCES, ENOENT) is an
 * 'error' event on the child, which would crash the process without a listener.
 */
export function runProcess(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      ...(options.user ?? {}),
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(new Error(`could not run ${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(output);
      const how = code === null ? `killed by ${signal}` : `exit ${code}`;
      // The line that says why (programs like initdb print a page before it), else the last one.
      const lines = output.split('\n').filter((line) => line.trim() !== '');
      const why =
        [...lines].reverse().find((line) => /\b(error|fatal|panic)\b/i.test(line)) ?? lines.at(-1);
      reject(new Error(`${path.basename(command)} failed (${how})${why ? `: ${why.trim()}` : ''}`));
    });
  });
}
