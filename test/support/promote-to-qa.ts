/**
 * One promotion through the real HTTP API, as the distribution benches and tests need one: an issue moved to QA Ready,
 * the test created or edited on trunk (a three-bucket USER test whose allocation and description vary with `seed`),
 * then promoted trunk → qa. Returns qa's new head and when the promotion request was sent and answered.
 */
import type { ApiClient } from './app-server';

export function seededDefinition(test: string, seed: number, description = `seed ${seed}`) {
  const a = 0.2 + (seed % 5) * 0.05;
  return {
    version: '-1',
    constants: {},
    specialConstants: {},
    salt: `&${test}`,
    rule: null,
    buckets: [
      { name: 'inactive', value: -1, description: '' },
      { name: 'control', value: 0, description: '' },
      { name: 'treatment', value: 1, description: '' },
    ],
    allocations: [{ rule: null, ranges: [{ bucketValue: -1, length: Number((1 - 2 * a).toFixed(2)) }, { bucketValue: 0, length: a }, { bucketValue: 1, length: a }] }],
    testType: 'USER',
    description,
  };
}

function expectStatus(response: { status: number; text: string }, status: number, what: string): void {
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${response.text.slice(0, 500)}`);
}

export async function promoteToQa(
  editor: ApiClient,
  releaser: ApiClient,
  test: string,
  seed: number,
  description?: string,
): Promise<{ revision: string; sentAt: number; answeredAt: number; requestMs: number }> {
  const issue = await editor.post('/api/v1/issues', { summary: `${test} ${seed}`, type: 'ProTest' });
  expectStatus(issue, 201, 'issue');
  const key = issue.json.key;
  for (const to of ['In Progress', 'QA Ready']) expectStatus(await editor.post(`/api/v1/issues/${key}/transitions`, { to }), 200, 'transition');
  const definition = seededDefinition(test, seed, description);
  const current = await editor.get(`/api/v1/tests/${test}?env=trunk`);
  if (current.status === 404) expectStatus(await editor.post('/api/v1/tests', { name: test, definition, issueKey: key }), 201, 'create');
  else expectStatus(await editor.put(`/api/v1/tests/${test}`, { definition, baseRevision: current.json.revision, issueKey: key }), 200, 'edit');
  const sentAt = performance.now();
  const promoted = await releaser.post(`/api/v1/tests/${test}/promotions`, { from: 'trunk', to: 'qa', issueKey: key });
  const answeredAt = performance.now();
  expectStatus(promoted, 201, 'promotion');
  return { revision: promoted.json.revision, sentAt, answeredAt, requestMs: answeredAt - sentAt };
}
