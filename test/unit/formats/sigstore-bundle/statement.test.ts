import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStatement, parseStatement } from '../../../../electron/engine/formats/sigstore-bundle/statement.js';
import { statementBytes } from '../../../helpers/bundle.js';

const HEX = 'ab'.repeat(32);
const DIGEST = `sha256:${HEX}` as const;
const parse = (text: string) => parseStatement(Buffer.from(text));

test('what Signet writes reads back: a signature naming the digest, the repository and the annotations', () => {
  const bytes = buildStatement({ digest: DIGEST, repository: '127.0.0.1:5000/team/app', annotations: { env: 'prod' } });
  assert.equal(Buffer.from(bytes).toString(), `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"127.0.0.1:5000/team/app","digest":{"sha256":"${HEX}"},"annotations":{"env":"prod"}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}`);
  const r = parseStatement(bytes);
  assert.ok(r.ok);
  assert.equal(r.value.kind, 'signature');
  assert.deepEqual(r.value.subjects, [{ name: '127.0.0.1:5000/team/app', digest: { sha256: HEX }, sha256: DIGEST, annotations: { env: 'prod' } }]);
});

test('what cosign v3 writes (protojson, no name, spaces) reads as a signature naming no repository', () => {
  // cmd/cosign/cli/sign/sign.go signDigestBundle: protojson.Marshal of the in-toto Statement.
  const r = parse(`{"_type":"https://in-toto.io/Statement/v1", "subject":[{"digest":{"sha256":"${HEX}"}, "annotations":{"team":"a"}}], "predicateType":"https://sigstore.dev/cosign/sign/v1", "predicate":{}}`);
  assert.ok(r.ok);
  assert.equal(r.value.kind, 'signature');
  assert.equal(r.value.subjects[0]!.name, undefined);
  assert.deepEqual(r.value.subjects[0]!.annotations, { team: 'a' });
});

test('another predicate type is an attestation; statement v0.1 is read; unknown fields are ignored (in-toto tells consumers to)', () => {
  const slsa = parseStatement(statementBytes([{ sha256: HEX }], 'https://slsa.dev/provenance/v1', { buildDefinition: {} }));
  assert.ok(slsa.ok);
  assert.equal(slsa.value.kind, 'attestation');
  assert.equal(slsa.value.predicateType, 'https://slsa.dev/provenance/v1');
  const v01 = parse(`{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"name":"x","digest":{"sha256":"${HEX}","sha512":"00"}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","extra":1}`);
  assert.ok(v01.ok);
  assert.equal(v01.value.kind, 'signature');
});

test('malformed statements are invalid, naming what is wrong', () => {
  const cases: Array<[string, RegExp]> = [
    ['not json', /malformed: not valid JSON/],
    [`{"_type":"https://in-toto.io/Statement/v1","_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"${HEX}"}}],"predicateType":"p"}`, /"_type" appears twice/],
    [`{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"${HEX}","sha256":"${'cd'.repeat(32)}"}}],"predicateType":"p"}`, /"sha256" appears twice/],
    [`{"_type":"https://in-toto.io/Statement/v2","subject":[{"digest":{"sha256":"${HEX}"}}],"predicateType":"p"}`, /_type/],
    [`{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"p"}`, /non-empty list/],
    [`{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha512":"00"}}],"predicateType":"p"}`, /no subject names a sha256/],
    [`{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"${HEX.toUpperCase()}"}}],"predicateType":"p"}`, /64 lowercase hex/],
    [`{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"${HEX}"}}],"predicateType":""}`, /predicateType/],
    [`{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"${HEX}"}}],"predicateType":"p","predicate":[]}`, /predicate must be an object/],
    [`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":5,"digest":{"sha256":"${HEX}"}}],"predicateType":"p"}`, /name must be a string/],
    [`{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"${HEX}"},"annotations":"x"}],"predicateType":"p"}`, /annotations must be an object/],
    [`{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":1}}],"predicateType":"p"}`, /must be a string/],
  ];
  for (const [text, reason] of cases) {
    const r = parse(text);
    assert.ok(!r.ok, text);
    assert.equal(r.problem.status, 'invalid');
    assert.match(r.problem.reason, reason, text);
  }
  const badUtf8 = Buffer.concat([Buffer.from(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"`), Buffer.from([0xc3, 0x28]), Buffer.from(`","digest":{"sha256":"${HEX}"}}],"predicateType":"p"}`)]);
  const r = parseStatement(badUtf8);
  assert.ok(!r.ok && /not valid UTF-8/.test(r.problem.reason));
});
