/**
 * 404 status for the pages of tests and issues that do not exist. Pages stream behind app/(app)/loading.tsx, and
 * once the loading shell is sent the status is 200 whatever the page does later; the (app) layout renders before
 * that boundary, so it asks here (with the address proxy.ts passes on) and calls notFound() while a 404 can still
 * be sent. The pages call notFound() as well, for client-side navigations, which render without the layout.
 */
import { isExistingTestName } from '@/lib/domain/test-name';
import { getServices } from '@/lib/composition/services';
import { ANONYMOUS } from '@/lib/services/service-deps';
import { issueExists, testExists } from '@/lib/services/find-test-or-issue';

/** Error codes of a read that mean "there is no such thing" rather than "it could not be read". */
export function isMissing(code: string): boolean {
  return code === 'NOT_FOUND' || code === 'BAD_REQUEST' || code === 'VALIDATION_FAILED';
}

function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** True when `pathname` is a test page, test editor or issue page for something that does not exist. */
export async function isUnknownPage(pathname: string | null): Promise<boolean> {
  if (!pathname) return false;
  const test = /^\/tests\/([^/]+)(\/edit)?\/?$/.exec(pathname);
  if (test && !(test[1] === 'new' && !test[2])) {
    const name = decoded(test[1]);
    if (name === null || !isExistingTestName(name)) return true;
    const branches = test[2] ? (['trunk'] as const) : (['trunk', 'qa', 'production'] as const);
    return !(await testExists(await getServices(), ANONYMOUS, { name, branches }));
  }
  const issue = /^\/issues\/([^/]+)\/?$/.exec(pathname);
  if (issue) {
    const key = decoded(issue[1])?.trim().toUpperCase();
    if (!key) return true;
    return !(await issueExists(await getServices(), ANONYMOUS, { key }));
  }
  return false;
}

/** What the 404 page says for an address isUnknownPage refused: the thing that is missing, in the words pages use. */
export function unknownPageMessage(pathname: string | null): string | null {
  const test = pathname ? /^\/tests\/([^/]+)(\/edit)?\/?$/.exec(pathname) : null;
  if (test) {
    const name = decoded(test[1]);
    return name !== null && isExistingTestName(name) ? `Test ${name} does not exist in any environment.` : `'${test[1]}' is not a test name.`;
  }
  const issue = pathname ? /^\/issues\/([^/]+)\/?$/.exec(pathname) : null;
  if (issue) return `Issue ${decoded(issue[1])?.trim().toUpperCase() ?? issue[1]} does not exist.`;
  return null;
}
