// B5's 100 synthesized footprints: valid by the footprint schema, the same every run, varied.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syntheticFootprints } from '../../bench/lib/footprints.js';
import { parseFootprint } from '../../src/footprint/parse.js';
import { generateProfile } from '../../src/generator/index.js';

describe('bench footprints', () => {
  const fps = syntheticFootprints(100);

  it('every one parses as a footprint without issues', () => {
    for (const fp of fps) {
      const r = parseFootprint(JSON.stringify(fp));
      assert.ok(r.ok, JSON.stringify(r.issues.slice(0, 2)));
      assert.equal(r.issues.length, 0);
    }
  });

  it('is deterministic and varied', () => {
    assert.deepEqual(syntheticFootprints(100), fps);
    const sets = new Set(
      fps.map((fp) =>
        Object.keys(fp.syscalls.x86_64 ?? {})
          .sort()
          .join(','),
      ),
    );
    assert.ok(sets.size >= 95, `${sets.size} distinct syscall sets`);
    assert.equal(fps.filter((fp) => fp.syscalls.x86 !== undefined).length, 10);
    const sizes = fps.map((fp) => Object.keys(fp.syscalls.x86_64 ?? {}).length);
    assert.ok(Math.min(...sizes) >= 35 && Math.max(...sizes) <= 23 + 90);
  });

  it('the generator takes a handful of them', () => {
    const { profile } = generateProfile(fps.slice(0, 8), { labels: fps.slice(0, 8).map((_, i) => `fp-${i}`) });
    assert.ok(profile !== undefined);
  });
});
