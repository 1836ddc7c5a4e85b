// The CLI loads each command's module only when that command runs (start-up time). These tests
// hold the two things that must not change with that: every --help text, compared with
// help.snapshot.json (recorded from the CLI before the commands were made lazy; after an
// intended help change, update the snapshot with the new text), and that start-up does not
// import the engine: main.js reaches only commander, Node built-ins and the option definitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { buildProgram, runCli } from '../../../electron/cli/main.js';
import { CLI, runSignet } from '../../helpers/cli.js';
import { repoRoot } from '../../helpers/paths.js';

const SNAPSHOT: Record<string, string> = JSON.parse(readFileSync(join(repoRoot, 'test', 'unit', 'cli', 'help.snapshot.json'), 'utf8'));

function commandPaths(cmd: Command, path: string[] = []): string[][] {
  return [path, ...cmd.commands.filter((c) => c.name() !== 'help').flatMap((c) => commandPaths(c, [...path, c.name()]))];
}

async function helpText(path: string[]): Promise<string> {
  let text = '';
  const code = await runCli([...path, '--help'], { out: (s) => { text += `${s}\n`; }, err: (s) => { text += `[stderr]${s}\n`; }, env: process.env });
  assert.equal(code, 0, `signet ${path.join(' ')} --help exits 0`);
  return text;
}

test('signet --help and signet <command> --help, for every command and subcommand, print what they printed before', async () => {
  const paths = commandPaths(buildProgram({ out: () => undefined, err: () => undefined, env: process.env }, () => undefined));
  assert.deepEqual(paths.map((p) => p.join(' ')).sort(), Object.keys(SNAPSHOT).sort(), 'the same commands');
  for (const path of paths) assert.equal(await helpText(path), SNAPSHOT[path.join(' ')], `signet ${path.join(' ')} --help`);
});

test('the signet binary prints the same top-level help', async () => {
  const r = await runSignet(['--help']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, SNAPSHOT['']);
});

/** Static imports of a compiled module (dynamic import() calls are not followed: they load later). */
function staticImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const re = /^(?:import|export)\s+(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  return [...source.matchAll(re)].map((m) => m[1]!);
}

test('start-up imports no engine: main.js reaches only commander, Node built-ins and the command definitions', () => {
  const distRoot = dirname(dirname(dirname(CLI))); // dist/
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else if (!spec.startsWith('node:')) packages.add(spec);
    }
  };
  visit(CLI);
  assert.deepEqual([...packages], ['commander']);
  const engineFiles = [...files].map((f) => relative(distRoot, f)).filter((f) => f.startsWith('electron/engine/')).sort();
  assert.deepEqual(engineFiles, ['electron/engine/errors.js', 'electron/engine/policy/policy-types.js'], 'only the error type and the policy format names (a --format choice in the help)');
  // Every command definition is loaded at start-up, and each loads its actions lazily from a module that exists.
  const commandsDir = join(dirname(CLI), 'commands');
  const definitions = readdirSync(commandsDir).filter((f) => f.endsWith('.js')).map((f) => join(commandsDir, f));
  assert.ok(definitions.length >= 9, `${definitions.length} command definitions`);
  for (const file of definitions) {
    assert.ok(files.has(file), `${relative(distRoot, file)} is reached from main.js`);
    const lazy = [...readFileSync(file, 'utf8').matchAll(/import\(['"]([^'"]+)['"]\)/g)].map((m) => resolve(dirname(file), m[1]!));
    assert.ok(lazy.length > 0, `${relative(distRoot, file)} loads its actions lazily`);
    for (const target of lazy) assert.ok(existsSync(target), `${relative(distRoot, target)} exists`);
  }
});
