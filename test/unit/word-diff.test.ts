import { describe, expect, it } from 'vitest';
import { diffDefinitions, summarizeChanges, type DefinitionChange } from '@/lib/proctor/diff-definitions';
import { parseDefinition } from '@/lib/proctor';
import { condenseWordDiff, diffWords } from '@/lib/ui/word-diff';

const LONG_START = 'Tests whether learned ranking weights improve apply rate on search results pages for signed-in job seekers in the US and Canada';

describe('diffWords', () => {
  it('marks only the changed words, and the parts join back to both texts', () => {
    const before = 'Tests the blue checkout button against control';
    const after = 'Tests the green checkout button against control';
    const parts = diffWords(before, after);
    expect(parts).toEqual([
      { kind: 'same', text: 'Tests the ' },
      { kind: 'removed', text: 'blue' },
      { kind: 'added', text: 'green' },
      { kind: 'same', text: ' checkout button against control' },
    ]);
    expect(parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe(before);
    expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe(after);
  });

  it('finds insertions and deletions in the middle (not just a changed prefix or suffix)', () => {
    const parts = diffWords('a b c d e', 'a x c d e f');
    expect(parts).toEqual([
      { kind: 'same', text: 'a ' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'x' },
      { kind: 'same', text: ' c d e' },
      { kind: 'added', text: ' f' },
    ]);
    expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe('a x c d e f');
  });

  it('an empty side is all added or all removed', () => {
    expect(diffWords('', 'new text')).toEqual([{ kind: 'added', text: 'new text' }]);
    expect(diffWords('old', '')).toEqual([{ kind: 'removed', text: 'old' }]);
  });
});

describe('condenseWordDiff', () => {
  it('keeps the changed words of a long description and shortens only the unchanged text around them', () => {
    const before = `${LONG_START}. Launched after PROTEST-12 was verified in qa.`;
    const after = `${LONG_START}. Launched after PROTEST-14 was verified in qa.`;
    const parts = condenseWordDiff(diffWords(before, after), 4);
    expect(parts.find((p) => p.kind === 'removed')?.text).toBe('PROTEST-12');
    expect(parts.find((p) => p.kind === 'added')?.text).toBe('PROTEST-14');
    expect(parts[0].text.startsWith('… ')).toBe(true);
    expect(parts[0].text.endsWith('Launched after ')).toBe(true);
    expect(parts[parts.length - 1].text).toBe(' was verified in qa.');
  });

  it('leaves short unchanged stretches whole', () => {
    const parts = condenseWordDiff(diffWords('one two three', 'one 2 three'));
    expect(parts.map((p) => p.text).join('|')).toBe('one |two|2| three');
  });
});

describe('description change summaries', () => {
  const definition = (description: string, version = '-1') =>
    parseDefinition(JSON.stringify({ testType: 'USER', salt: 's', version, description, buckets: [{ name: 'control', value: 0 }], allocations: [{ ranges: [{ bucketValue: 0, length: 1 }] }], constants: {}, specialConstants: {}, rule: null }));

  it('shows the difference of two long descriptions instead of two identical truncated beginnings', () => {
    const changes = diffDefinitions(definition(`${LONG_START}, see the dashboard for the old metric.`), definition(`${LONG_START}, see the dashboard for the new metric.`));
    const summary = changes.find((c) => c.kind === 'description-changed')!.summary;
    expect(summary).toContain('old metric');
    expect(summary).toContain('new metric');
  });

  it('puts the promotion bookkeeping (version) after the real changes in a one-line summary', () => {
    const changes: DefinitionChange[] = diffDefinitions(definition('a', '-1'), definition('b', '1234'));
    expect(changes.map((c) => c.kind)).toContain('version-changed');
    const reordered = [changes.find((c) => c.kind === 'version-changed')!, ...changes.filter((c) => c.kind !== 'version-changed')];
    expect(summarizeChanges(reordered).startsWith('Description changed')).toBe(true);
  });
});
