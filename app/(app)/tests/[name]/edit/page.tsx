import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { TestEditor, type TestEditorProps } from '@/components/editor/test-editor';
import { isExistingTestName } from '@/lib/domain/test-name';
import { leadingIssueKey } from '@/lib/domain/issue-key';
import { endChoosingBucket } from '@/lib/editor/end-choosing-bucket';
import { parseDefinition, serializeDefinition } from '@/lib/proctor';
import { getServices } from '@/lib/composition/services';
import { requirePageUser } from '@/lib/server/current-user';
import { isMissing } from '@/lib/server/unknown-page';
import { readForEdit } from '@/lib/services/read-for-editor';
import { getTestHistory } from '@/lib/services/read-tests';
import { readConclusion } from '@/lib/services/test-conclusion';
import { conclusionText } from '@/lib/ui/results-format';
import { load } from '@/lib/server/page-data';
import { firstParam } from '@/lib/ui/format';
import { ErrorPanel } from '@/components/error-panel';

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Edit ${(await params).name}` };
}

/**
 * Edit the trunk definition; the revision read here is the base of the save (a concurrent change is a conflict).
 * `?endChoosing=<bucket>` (the Results tab's decision) opens the editor with that change prepared, under the issue of
 * the test's latest trunk change.
 */
export default async function EditTestPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { name } = await params;
  const sp = await searchParams;
  const chosen = firstParam(sp.endChoosing);
  const user = await requirePageUser(`/tests/${encodeURIComponent(name)}/edit${chosen ? `?endChoosing=${encodeURIComponent(chosen)}` : ''}`, 'editor');
  if (!isExistingTestName(name)) notFound();
  const services = await getServices();
  const loaded = await load(async () => readForEdit(services, user, { name }));
  if (!loaded.ok && isMissing(loaded.error.code)) notFound();
  if (!loaded.ok) return <ErrorPanel error={loaded.error} title="This test could not be opened for editing" />;
  const start = loaded.value;
  let prepared: TestEditorProps['prepared'] = null;
  if (chosen) {
    const made = await load(async () => endChoosingBucket(parseDefinition(start.text), chosen));
    if (!made.ok) return <ErrorPanel error={made.error} title={`The test cannot be ended choosing '${chosen}'`} />;
    const latest = await load(() => getTestHistory(services, user, { name, env: 'trunk', limit: 1 }));
    const joining = made.value.joining;
    // The written conclusion travels with the decision: in the commit message, which the issue lists.
    const conclusion = await load(() => readConclusion(services, user, { name }));
    const written = conclusion.ok ? conclusionText(name, conclusion.value) : '';
    prepared = {
      text: serializeDefinition(made.value.definition),
      title: `Prepared: end ${name} choosing ${chosen}`,
      explanation: `Every allocation now gives ${chosen} all the traffic. Nobody already in ${chosen} moves; ${joining.length ? `the users of ${joining.join(', ')} join it` : 'nobody else was allocated'}. Review the change, save it under a ProTest issue, then promote it through qa to production.`,
      issueKey: latest.ok && latest.value.entries[0] ? leadingIssueKey(latest.value.entries[0].message) : null,
      comment: `End the test choosing ${chosen}: ${chosen} gets all the traffic (nobody in ${chosen} moves).${written ? `\n\n${written}` : ''}`,
    };
  }
  return <TestEditor key={start.baseRevision} mode="edit" testName={name} initialText={start.text} baseRevision={start.baseRevision} liveInProduction={start.liveInProduction} prepared={prepared} />;
}
