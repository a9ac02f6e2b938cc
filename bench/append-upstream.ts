/**
 * `node --import tsx bench/append-upstream.ts <gitdir> <commits> <seed>`: appends upstream commits to trunk (as
 * another writer would) and prints `{"from":…,"to":…}`. A process of its own, so the memory the generator uses does
 * not count in the RSS of the store child that calls it.
 */
import { appendUpstreamCommits } from './generate-repo';

async function main(): Promise<void> {
  const [gitdir, commits, seed] = process.argv.slice(2);
  const appended = await appendUpstreamCommits(gitdir, Number(commits), Number(seed));
  console.log(JSON.stringify({ from: appended.from, to: appended.to }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
