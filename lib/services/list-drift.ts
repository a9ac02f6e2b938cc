/** For every test: whether qa and production hold the current trunk revision ('current'), an older one, or none. */
import type { TestDrift } from '@/lib/store';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

export async function listDrift(deps: Pick<ServiceDeps, 'store'>, reader: Reader): Promise<TestDrift[]> {
  requireReader(reader);
  return deps.store.drift();
}
