import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { TestEditor } from '@/components/editor/test-editor';
import { isExistingTestName } from '@/lib/domain/test-name';
import { getAppContext } from '@/lib/server/app-context';
import { requirePageUser } from '@/lib/server/current-user';

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Edit ${(await params).name}` };
}

/** Edit the trunk definition; the revision read here is the base of the save (a concurrent change is a conflict). */
export default async function EditTestPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  await requirePageUser(`/tests/${encodeURIComponent(name)}/edit`, 'editor');
  if (!isExistingTestName(name)) notFound();
  const { store } = await getAppContext();
  const read = await store.readDefinition(name, { branch: 'trunk' });
  if (!read) notFound();
  const live = await store.liveRevisions(name);
  return <TestEditor key={read.revision} mode="edit" testName={name} initialText={read.text} baseRevision={read.revision} liveInProduction={live.production.revision !== null} />;
}
