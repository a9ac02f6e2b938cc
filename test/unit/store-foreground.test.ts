import { describe, expect, it } from 'vitest';
import { parseDefinition } from '@/lib/proctor/parse-definition';
import { serializeDefinition } from '@/lib/proctor/serialize-definition';
import { Foreground } from '@/lib/store/foreground';
import { BlobCompactor, StringPool, type ListedBlob } from '@/lib/store/read';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const nextTurns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('Foreground', () => {
  it('holds background turns while foreground work runs, and lets them go when the last one leaves', async () => {
    const foreground = new Foreground();
    const leaveA = foreground.enter();
    const leaveB = foreground.enter();
    let turned = false;
    const turn = foreground.turn().then(() => (turned = true));
    await nextTurns(5);
    expect(turned).toBe(false);
    leaveA();
    leaveA(); // leaving twice counts once
    await nextTurns(5);
    expect(turned).toBe(false);
    leaveB();
    await turn;
    expect(turned).toBe(true);
  });

  it('gives a turn on the next event-loop turn when nothing runs in the foreground', async () => {
    const foreground = new Foreground();
    let turned = false;
    void foreground.turn().then(() => (turned = true));
    expect(turned).toBe(false);
    await nextTurns(2);
    expect(turned).toBe(true);
  });
});

describe('BlobCompactor', () => {
  const text = readFileSync(path.resolve(__dirname, '../../proctor-data/test-definitions/checkout_button_color/definition.json'), 'utf8');

  it('compacts nothing while a snapshot is being built, then everything', async () => {
    const foreground = new Foreground();
    const compactor = new BlobCompactor(new StringPool(), foreground);
    const blobs: ListedBlob[] = Array.from({ length: 50 }, () => ({ raw: text, definition: parseDefinition(text) }));
    expect(serializeDefinition(blobs[0].definition!)).toBe(text);
    const leave = foreground.enter();
    compactor.add(blobs);
    await nextTurns(20);
    expect(blobs.every((blob) => blob.raw === text)).toBe(true);
    leave();
    await compactor.idle();
    // Canonical texts are dropped: serializeDefinition gives them back.
    expect(blobs.every((blob) => blob.raw === null)).toBe(true);
  });
});
