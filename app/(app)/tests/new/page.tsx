import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { TestEditor } from '@/components/editor/test-editor';
import { copyDefinition, newTestDefinition } from '@/lib/editor/editor-document';
import { isExistingTestName } from '@/lib/domain/test-name';
import { parseDefinition, serializeDefinition } from '@/lib/proctor';
import { getServices } from '@/lib/composition/services';
import { requirePageUser } from '@/lib/server/current-user';
import { getTest } from '@/lib/services/read-tests';

export const metadata: Metadata = { title: 'New test' };

/** Create a test from scratch, or ?copy=<name> to start from an existing test's trunk definition. */
export default async function NewTestPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = await searchParams;
  const copy = typeof raw.copy === 'string' && raw.copy !== '' ? raw.copy : null;
  const user = await requirePageUser(copy ? `/tests/new?copy=${encodeURIComponent(copy)}` : '/tests/new', 'editor');
  let text = serializeDefinition(newTestDefinition(''));
  let suggested = '';
  if (copy) {
    if (!isExistingTestName(copy)) notFound();
    const read = await getTest(await getServices(), user, { name: copy, env: 'trunk' }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 'NOT_FOUND') notFound();
      throw error;
    });
    suggested = `${copy}_copy`;
    text = serializeDefinition(copyDefinition(read.definition ?? parseDefinition(read.text), suggested));
  }
  return <TestEditor mode="create" testName={suggested} initialText={text} baseRevision={null} copyOf={copy} />;
}
