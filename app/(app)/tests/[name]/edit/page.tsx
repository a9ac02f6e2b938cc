import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { TestEditor } from '@/components/editor/test-editor';
import { isExistingTestName } from '@/lib/domain/test-name';
import { getServices } from '@/lib/composition/services';
import { requirePageUser } from '@/lib/server/current-user';
import { isMissing } from '@/lib/server/unknown-page';
import { readForEdit } from '@/lib/services/read-for-editor';
import { load } from '@/lib/server/page-data';
import { ErrorPanel } from '@/components/error-panel';

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Edit ${(await params).name}` };
}

/** Edit the trunk definition; the revision read here is the base of the save (a concurrent change is a conflict). */
export default async function EditTestPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  const user = await requirePageUser(`/tests/${encodeURIComponent(name)}/edit`, 'editor');
  if (!isExistingTestName(name)) notFound();
  const loaded = await load(async () => readForEdit(await getServices(), user, { name }));
  if (!loaded.ok && isMissing(loaded.error.code)) notFound();
  if (!loaded.ok) return <ErrorPanel error={loaded.error} title="This test could not be opened for editing" />;
  const start = loaded.value;
  return <TestEditor key={start.baseRevision} mode="edit" testName={name} initialText={start.text} baseRevision={start.baseRevision} liveInProduction={start.liveInProduction} />;
}
