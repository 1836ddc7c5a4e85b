// Locations the tests need. This file compiles to dist/test/helpers/paths.js, so the repository
// root is three directories up from it.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root (the directory holding package.json). */
export const repoRoot: string = resolve(here, '..', '..', '..');

/** The shared fixtures: $SIGNET_FIXTURES, or ../shared/fixtures next to the repository. */
export const fixturesDir: string = process.env.SIGNET_FIXTURES ?? join(repoRoot, '..', 'shared', 'fixtures');
