import type { Metadata } from 'next';
import { TokenManager } from '@/components/admin/token-manager';
import { ErrorPanel } from '@/components/error-panel';
import { PageHeader } from '@/components/page-header';
import { listApiTokens } from '@/lib/auth/api-tokens';
import { hasRole } from '@/lib/auth/roles';
import { getServices } from '@/lib/composition/services';
import { requirePageUser } from '@/lib/server/current-user';
import { load } from '@/lib/server/page-data';
import { cardClass } from '@/lib/ui/styles';

export const metadata: Metadata = { title: 'API tokens' };

export default async function TokensPage() {
  const user = await requirePageUser('/tokens');
  const services = await getServices();
  const all = hasRole(user, 'admin');
  const loaded = await load(() => listApiTokens(services, user, { all }));
  return (
    <>
      <PageHeader title="API tokens" subtitle={<>For scripts and the CLI: send <code>Authorization: Bearer pst_…</code>. A token acts with its owner&apos;s role.</>} />
      <section className={cardClass}>
        {!loaded.ok ? (
          <ErrorPanel error={loaded.error} />
        ) : (
          <TokenManager
            showOwner={all}
            tokens={loaded.value.map((token) => ({
              ...token,
              createdAt: token.createdAt.toISOString(),
              lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
              expiresAt: token.expiresAt?.toISOString() ?? null,
              revokedAt: token.revokedAt?.toISOString() ?? null,
            }))}
          />
        )}
      </section>
    </>
  );
}
