#!/usr/bin/env node
/**
 * `npm run fake-jira`: the fake JIRA of the tests as a demo server with ProTest issues, so the JIRA mode can be tried
 * locally (docs/jira.md). Options: --port 8089 (default), --cloud (behave like Jira Cloud).
 */
import { tsImport } from 'tsx/esm/api';

const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : Number(process.env.FAKE_JIRA_PORT || 8089);
const deployment = args.includes('--cloud') ? 'cloud' : 'server';

const { startFakeJira, FAKE_JIRA_DEFAULT_ACCOUNTS } = await tsImport('../test/support/fake-jira/fake-jira-server.ts', import.meta.url);

const issues = [
  { key: 'PROTEST-1', summary: 'Green checkout button', status: 'Open' },
  { key: 'PROTEST-2', summary: 'Shorter signup form', status: 'In Progress' },
  { key: 'PROTEST-3', summary: 'Company profile reviews ranking', status: 'QA Ready' },
  { key: 'PROTEST-4', summary: 'Email digest frequency', status: 'Production Ready' },
  { key: 'PROTEST-5', summary: 'Retired search experiment', status: 'Closed' },
  { key: 'PROTEST-6', summary: 'Checkout page crashes on Safari', status: 'In Progress', type: 'Bug' },
];
for (let n = 7; n <= 40; n++) issues.push({ key: `PROTEST-${n}`, summary: `Seeded demo experiment ${n}`, status: 'In Progress' });

const fake = await startFakeJira({ deployment, port, issues });
const [user, token] = Object.entries(FAKE_JIRA_DEFAULT_ACCOUNTS.basic)[0];
console.log(`Fake JIRA (${deployment}) on ${fake.url}
Point Proctor Studio at it:
  PROCTOR_JIRA_URL=${fake.url} PROCTOR_JIRA_DEPLOYMENT=${deployment} PROCTOR_JIRA_USER=${user} PROCTOR_JIRA_TOKEN=${token} PROCTOR_JIRA_PROJECTS=PROTEST npm run dev
  (or PROCTOR_JIRA_PAT=${FAKE_JIRA_DEFAULT_ACCOUNTS.bearer[0]} instead of USER/TOKEN)
Issues: ${fake.url}/_fake/issues    Faults: curl -X POST ${fake.url}/_fake/faults -d '{"status":503}'  (DELETE to clear)
Ctrl-C stops it; its state lives in memory only.`);

const stop = async () => {
  await fake.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
