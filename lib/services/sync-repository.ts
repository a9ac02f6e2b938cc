/** Fetch the upstream git repository now (the webhook a git server calls after a push) and re-index. Editors. */
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

export async function syncRepository(deps: Pick<ServiceDeps, 'store'>, reader: Reader): ReturnType<ServiceDeps['store']['sync']> {
  requireReader(reader, 'editor');
  return deps.store.sync();
}
