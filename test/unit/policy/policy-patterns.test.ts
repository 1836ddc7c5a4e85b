// The image pattern a policy form is pre-filled with, from the sources: the repository path every
// registry source shares, then "/*" (a containers scope too), and each source's own pattern.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commonPattern, imagePatterns, sourcePattern } from '../../../shared/policy-patterns.js';
import { containersScope } from '../../../electron/engine/policy/containers.js';
import { checkImagePattern } from '../../../electron/engine/policy/policy-types.js';
import type { Source } from '../../../shared/api.js';

const src = (kind: Source['kind'], location: string): Source => ({ id: location, kind, location, label: location });

test('one pattern for them all: the shared path of the registry sources, a repository counting as its namespace', () => {
  assert.equal(commonPattern([src('registry', 'r.example/team/app'), src('registry', 'r.example/team/web')]), 'r.example/team/*');
  assert.equal(commonPattern([src('registry', 'r.example/team/app')]), 'r.example/team/*');
  assert.equal(commonPattern([src('namespace', 'r.example/team'), src('registry', 'r.example/team/sub/app')]), 'r.example/team/*');
  assert.equal(commonPattern([src('registry', 'r.example/a/app'), src('registry', 'r.example/b/app')]), 'r.example/*');
  assert.equal(commonPattern([src('registry', 'r.example/a/app'), src('registry', 'other.example/a/app')]), null, 'no host in common');
  assert.equal(commonPattern([src('oci', '/layout'), src('engine', '')]), null, 'no registry source');
});

test('each source its own pattern; the first suggestion is one every format takes', () => {
  assert.equal(sourcePattern(src('namespace', 'r.example:5000/team')), 'r.example:5000/team/*');
  assert.equal(sourcePattern(src('registry', 'r.example/team/app')), 'r.example/team/app*');
  assert.equal(sourcePattern(src('archive', '/x.tar')), null);
  const p = imagePatterns([src('registry', 'r.example/team/app'), src('namespace', 'r.example/team'), src('oci', '/l')]);
  assert.deepEqual(p, { suggested: 'r.example/team/*', all: ['r.example/team/*', 'r.example/team/app*'] });
  for (const pattern of p.all) assert.equal(checkImagePattern(pattern), pattern);
  assert.equal(containersScope(p.suggested), 'r.example/team');
  assert.deepEqual(imagePatterns([]), { suggested: '', all: [] });
});
