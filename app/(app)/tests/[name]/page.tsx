import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { EnvBadge } from '@/components/env-badge';
import { ErrorPanel } from '@/components/error-panel';
import { PageHeader } from '@/components/page-header';
import { DriftBadge } from '@/components/test-list/drift-badge';
import { BucketCheckForm } from '@/components/test-page/bucket-check-form';
import { ForceBucketLinks } from '@/components/test-page/force-bucket-links';
import { DefinitionPanel } from '@/components/test-page/definition-panel';
import { DiffPanel } from '@/components/test-page/diff-panel';
import { HistoryPanel } from '@/components/test-page/history-panel';
import { OverviewPanel } from '@/components/test-page/overview-panel';
import { ConclusionPanel } from '@/components/results/conclusion-panel';
import { ResultsPanel } from '@/components/results/results-panel';
import { PromoteDialog } from '@/components/test-page/promote-dialog';
import { ReleaseActions } from '@/components/test-page/release-actions';
import { UsagePanel } from '@/components/test-page/usage-panel';
import { isTestTab, TestTabs, type TestTab } from '@/components/test-page/test-tabs';
import { hasRole } from '@/lib/auth/roles';
import type { AuthUser } from '@/lib/auth/user-view';
import { driftState } from '@/lib/domain/drift';
import { leadingIssueKey } from '@/lib/domain/issue-key';
import { DEFAULT_WORKFLOW_RULES } from '@/lib/issues/workflow';
import { getServices, type Services } from '@/lib/composition/services';
import { requirePageUser } from '@/lib/server/current-user';
import { isMissing } from '@/lib/server/unknown-page';
import { diffTest, getTest, getTestHistory, getTestView, type TestView } from '@/lib/services/read-tests';
import { getTestUsage } from '@/lib/services/test-usage';
import { ENV_NAMES, isEnvName } from '@/lib/ui/environments';
import { firstParam, renderTime, shortRevision } from '@/lib/ui/format';
import { load } from '@/lib/server/page-data';
import { buttonClass } from '@/lib/ui/styles';

type SearchParams = Record<string, string | string[] | undefined>;

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

async function TabContent({ services, user, view, tab, sp }: { services: Services; user: AuthUser; view: TestView; tab: TestTab; sp: SearchParams }) {
  const name = view.name;
  if (tab === 'results') {
    const requested = firstParam(sp.env);
    const env = isEnvName(requested) ? requested : 'production';
    const phase = Number.parseInt(firstParam(sp.phase) ?? '', 10);
    const definition = view.envs[env]?.definition ?? view.envs.trunk?.definition ?? null;
    const latest = await load(() => getTestHistory(services, user, { name, env: 'trunk', limit: 1 }));
    const issueKey = latest.ok && latest.value.entries[0] ? leadingIssueKey(latest.value.entries[0].message) : null;
    return (
      <div className="space-y-6">
        <ResultsPanel
          key={`${env}-${phase}`}
          testName={name}
          environment={env}
          phase={Number.isSafeInteger(phase) && phase >= 0 ? phase : undefined}
          canEdit={hasRole(user, 'editor') && !!view.envs.trunk}
          buckets={definition?.buckets.map((b) => ({ name: b.name, value: b.value })) ?? []}
        />
        <ConclusionPanel testName={name} canEdit={hasRole(user, 'editor')} issueKey={issueKey} />
      </div>
    );
  }
  if (tab === 'history') {
    const requested = firstParam(sp.env);
    const env = isEnvName(requested) ? requested : 'trunk';
    const loaded = await load(() => getTestHistory(services, user, { name, env, limit: 50, offset: firstParam(sp.offset) }));
    if (!loaded.ok) return <ErrorPanel error={loaded.error} title="The history could not be read" />;
    const h = loaded.value;
    return <HistoryPanel name={name} env={env} entries={h.entries} total={h.total} offset={h.offset} limit={h.limit} live={view.live} canRevert={hasRole(user, 'editor')} />;
  }
  if (tab === 'diff') {
    const from = firstParam(sp.from) || (view.envs.production ? 'production' : view.envs.qa ? 'qa' : 'trunk');
    const to = firstParam(sp.to) || 'trunk';
    const loaded = await load(() => diffTest(services, user, { name, from, to }));
    if (!loaded.ok) return <ErrorPanel error={loaded.error} title="The diff could not be made" />;
    return <DiffPanel name={name} diff={loaded.value} from={from} to={to} />;
  }
  if (tab === 'definition') {
    const revision = firstParam(sp.revision) || null;
    const requested = firstParam(sp.env);
    const env = revision ? null : isEnvName(requested) ? requested : 'trunk';
    const loaded = await load(() => getTest(services, user, revision ? { name, revision } : { name, env: env! }));
    if (!loaded.ok) return <ErrorPanel error={loaded.error} title="The definition could not be read" />;
    return <DefinitionPanel name={name} read={loaded.value} env={env} revision={revision} />;
  }
  if (tab === 'bucket-check') {
    const definition = view.envs.trunk?.definition ?? view.envs.qa?.definition ?? view.envs.production?.definition ?? null;
    const environments = ENV_NAMES.map((env) => ({ env, buckets: view.envs[env]?.definition?.buckets.map((b) => ({ name: b.name, value: b.value })) ?? null }));
    return (
      <div className="space-y-8">
        <BucketCheckForm testName={name} testType={definition?.testType ?? null} />
        <ForceBucketLinks testName={name} environments={environments} />
      </div>
    );
  }
  if (tab === 'usage') {
    const loaded = await load(() => getTestUsage(services, user, { name }));
    if (!loaded.ok) return <ErrorPanel error={loaded.error} title="The usage could not be read" />;
    return <UsagePanel usage={loaded.value} activeMinutes={services.config.consumerActiveMinutes} now={renderTime()} />;
  }
  return (
    <div className="space-y-4">
      <ConclusionPanel testName={name} canEdit={false} issueKey={null} compact />
      <OverviewPanel view={view} />
    </div>
  );
}

export default async function TestPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<SearchParams> }) {
  const name = decodeURIComponent((await params).name);
  const sp = await searchParams;
  const tab: TestTab = isTestTab(firstParam(sp.tab)) ? (firstParam(sp.tab) as TestTab) : 'overview';
  const query = new URLSearchParams(Object.entries(sp).flatMap(([key, value]) => (typeof value === 'string' ? [[key, value]] : [])));
  const user = await requirePageUser(`/tests/${encodeURIComponent(name)}${query.size ? `?${query}` : ''}`);
  const services = await getServices();
  const loaded = await load(() => getTestView(services, user, { name }));
  if (!loaded.ok && isMissing(loaded.error.code)) notFound();
  if (!loaded.ok) {
    return (
      <>
        <PageHeader title={<span className="font-mono">{name}</span>} />
        <ErrorPanel error={loaded.error} title="This test could not be opened" />
      </>
    );
  }
  const view = loaded.value;
  const definition = view.envs.trunk?.definition ?? view.envs.qa?.definition ?? view.envs.production?.definition ?? null;
  const canPromote = hasRole(user, 'releaser');
  const trunkHistory = canPromote && view.envs.trunk ? await load(() => getTestHistory(services, user, { name, env: 'trunk', limit: 20 })) : null;
  return (
    <>
      <PageHeader
        title={<span className="font-mono">{name}</span>}
        subtitle={
          <>
            {definition?.description ?? ''} {definition?.testType && <span className="ml-1 rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-800 dark:bg-slate-700 dark:text-slate-100">{definition.testType}</span>}
          </>
        }
      >
        {hasRole(user, 'editor') && view.envs.trunk && (
          <Link href={`/tests/${encodeURIComponent(name)}/edit`} className={buttonClass}>
            Edit
          </Link>
        )}
        {hasRole(user, 'editor') && view.envs.trunk && (
          <Link href={`/tests/new?copy=${encodeURIComponent(name)}`} className={buttonClass}>
            Duplicate this test
          </Link>
        )}
        {canPromote && view.envs.trunk && trunkHistory?.ok ? (
          <PromoteDialog
            testName={name}
            live={view.live}
            trunkRevisions={trunkHistory.value.entries.filter((entry) => entry.changeKind !== 'delete').map((entry) => ({ revision: entry.revision, message: entry.message.split('\n', 1)[0], author: entry.authorName, at: new Date(entry.authoredAt).toISOString() }))}
            qaSource={view.live.qa.revision ? { revision: view.live.qa.revision, sourceTrunkRevision: view.live.qa.sourceTrunkRevision ?? null } : null}
            requiredStatus={{ qa: DEFAULT_WORKFLOW_RULES.promotion.qa.requiredStatus, production: DEFAULT_WORKFLOW_RULES.promotion.production.requiredStatus }}
            requiredIssueType={DEFAULT_WORKFLOW_RULES.requiredIssueType}
          />
        ) : (
          !canPromote && (
            <p className="self-center text-sm text-slate-600 dark:text-slate-400" data-testid="promote-not-allowed">
              Promoting, rolling back and stopping the test need the releaser role; you are {user.role === 'admin' || user.role === 'editor' ? 'an' : 'a'} {user.role}.
            </p>
          )
        )}
        {canPromote && view.envs.trunk && (
          <ReleaseActions
            testName={name}
            liveProduction={view.live.production.revision}
            issueKey={(trunkHistory?.ok && trunkHistory.value.entries[0] ? leadingIssueKey(trunkHistory.value.entries[0].message) : null) ?? ''}
          />
        )}
      </PageHeader>
      <div className="mb-4 flex flex-wrap items-center gap-x-5 gap-y-2 text-sm" aria-label="What is live where">
        <span className="flex items-center gap-1.5">
          <EnvBadge env="trunk" /> <code>{shortRevision(view.live.trunk.revision)}</code>
        </span>
        {(['qa', 'production'] as const).map((env) => (
          <span key={env} className="flex items-center gap-1.5" data-live-env={env}>
            <EnvBadge env={env} /> <code>{shortRevision(view.live[env].revision)}</code>
            {view.live[env].sourceTrunkRevision && <span className="text-xs text-slate-600 dark:text-slate-400">from trunk {shortRevision(view.live[env].sourceTrunkRevision)}</span>}
            {view.envs.trunk && <DriftBadge env={env} state={driftState(view.live.trunk.revision, view.live[env].revision ? view.live[env] : null)} />}
          </span>
        ))}
      </div>
      <TestTabs name={name} current={tab} />
      <TabContent services={services} user={user} view={view} tab={tab} sp={sp} />
    </>
  );
}
