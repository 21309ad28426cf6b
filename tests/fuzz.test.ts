// The fuzz tool (fuzz/): its streams are what they claim, it notices a crash, and short runs against
// the client's decoder and the onebox over TCP find no crash and no hang. The long run is
// `npm run fuzz -- --frames 1000000` (README "Soak and fuzz").
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ResponseDecoder } from '../core/wire/index.ts';
import { requestCorpus, responseCorpus } from '../fuzz/corpus.ts';
import { fuzzDecoder } from '../fuzz/decoder-fuzz.ts';
import { CLASSES, Mutator } from '../fuzz/mutate.ts';
import { fuzzTcp } from '../fuzz/tcp-fuzz.ts';

const responses = responseCorpus(1, 10);

describe('fuzz: streams', () => {
  it('are seeded, of every class, and a truncated stream is a strict prefix of a valid frame', () => {
    const a = new Mutator(5, responses, 'response');
    const b = new Mutator(5, responses, 'response');
    for (const cls of CLASSES) {
      const s = a.next(cls);
      assert.equal(s.cls, cls);
      assert.deepEqual(Buffer.concat(b.next(cls).chunks), Buffer.concat(s.chunks));
    }
    const m = new Mutator(6, responses, 'response');
    for (let i = 0; i < 50; i++) {
      const s = m.next('truncated');
      const bytes = Buffer.concat(s.chunks);
      assert.ok(s.endsIncomplete);
      assert.ok(
        responses.some(
          (f) => f.bytes.length > bytes.length && f.bytes.subarray(0, bytes.length).equals(bytes),
        ),
      );
    }
  });

  it('the corpus has a valid frame of every RPC on both sides', () => {
    const req = new Set(requestCorpus(1, 2).map((f) => f.rpc));
    assert.ok(
      req.has('RPC_RRDB_RRDB_GET') && req.has('RPC_CM_CREATE_APP') && req.has('RPC_RRDB_RRDB_CLEAR_SCANNER'),
    );
    assert.ok(new Set(responses.map((f) => f.rpc)).has('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX'));
  });
});

describe('fuzz: the client decoder', () => {
  it('10^5 hostile frames: no crash, no hang, valid streams decoded, hostile ones rejected by kind', () => {
    const r = fuzzDecoder(1, 100_000, responses);
    assert.ok(r.framesTried >= 100_000);
    assert.deepEqual(r.crashes, []);
    assert.deepEqual(r.hangs, []);
    assert.deepEqual(Object.keys(r.outcomes.valid ?? {}), ['decoded']);
    assert.ok(Object.keys(r.outcomes['oversized-length'] ?? {}).includes('stream closed: frame-too-large'));
    assert.ok(r.maxBufferedBytes <= 64 * 1024 * 1024);
  });

  it('notices a decoder that throws (the harness can fail)', () => {
    let pushes = 0;
    const broken = () => {
      const d = new ResponseDecoder();
      return {
        push(c: Uint8Array) {
          if (++pushes === 7) throw new RangeError('planted');
          return d.push(c);
        },
        get bufferedBytes() {
          return d.bufferedBytes;
        },
      };
    };
    const r = fuzzDecoder(1, 50, responses, broken);
    assert.equal(r.crashes.length, 1);
    assert.match(r.crashes[0]!.detail, /RangeError: planted/);
  });
});

describe('fuzz: the onebox over TCP', () => {
  it('10^3 hostile frames into meta and replica ports: no crash, no hang', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
    try {
      const r = await fuzzTcp(1, 1000, requestCorpus(1, 5), join(dir, 'onebox.log'));
      assert.deepEqual(r.crashes, []);
      assert.deepEqual(r.hangs, []);
      assert.ok(r.byTarget.meta > 0 && r.byTarget.replica > 0);
      // valid frames are answered (or, on a machine too loaded to answer in 3 s, held: never closed)
      const valid = r.outcomes.valid ?? {};
      assert.deepEqual(
        Object.keys(valid).filter((k) => k !== 'answered' && k !== 'held'),
        [],
      );
      assert.ok((valid.answered ?? 0) > 0.8 * Object.values(valid).reduce((a, b) => a + b, 0));
      assert.deepEqual(Object.keys(r.outcomes.truncated ?? {}), ['held']);
      assert.ok((r.outcomes.random?.closed ?? 0) > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
