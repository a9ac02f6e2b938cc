/**
 * The checks `git fsck --strict` makes on commit and tree objects (git 2.39, fsck.c: fsck_commit, fsck_ident,
 * fsck_tree), on the exact bytes or entries the store is about to write. The writer refuses an object with any problem
 * before anything is written, so a bad value that got past the edge (git-text.ts) leaves no commit and no moved ref;
 * the history index runs the commit checks on what it reads, to name a damaged commit already in a repository.
 * Each problem carries git's message id (nulInCommit, badName, …) so it can be matched with fsck's own output.
 */
import type { TreeEntry } from 'isomorphic-git';

export interface FsckProblem {
  /** git's fsck message id, e.g. `nulInCommit`. */
  id: string;
  message: string;
}

const OID = /^[0-9a-f]{40}$/;
const ZERO_OID = '0'.repeat(40);

/**
 * fsck_ident on one author/committer value (after `author `): `Name <email> <seconds> <+hhmm>`. Returns the first
 * problem, in fsck's order.
 */
export function identProblem(value: string): FsckProblem | null {
  const problem = (id: string, what: string): FsckProblem => ({ id, message: `invalid author/committer line - ${what}` });
  if (value[0] === '<') return problem('missingNameBeforeEmail', 'missing space before email');
  let p = value.search(/[<>\n]/);
  if (p < 0 || value[p] === '\n') return problem('missingEmail', 'missing email');
  if (value[p] === '>') return problem('badName', 'bad name');
  if (value[p - 1] !== ' ') return problem('missingSpaceBeforeEmail', 'missing space before email');
  const emailEnd = value.slice(p + 1).search(/[<>\n]/);
  if (emailEnd < 0 || value[p + 1 + emailEnd] !== '>') return problem('badEmail', 'bad email');
  p += 1 + emailEnd + 1;
  if (value[p] !== ' ') return problem('missingSpaceBeforeDate', 'missing space before date');
  p++;
  if (value[p] === '0' && value[p + 1] !== ' ') return problem('zeroPaddedDate', 'zero-padded date');
  const digits = /^[0-9]*/.exec(value.slice(p))![0];
  // git's timestamp_t is 64-bit unsigned; dates past it overflow (fsck allows up to 2^63-ish; we keep to safe integers).
  if (digits.length > 0 && !Number.isSafeInteger(Number(digits))) return problem('badDateOverflow', 'date causes integer overflow');
  if (digits.length === 0 || value[p + digits.length] !== ' ') return problem('badDate', 'bad date');
  p += digits.length + 1;
  if (!/^[+-][0-9]{4}$/.test(value.slice(p))) return problem('badTimezone', 'bad time zone');
  return null;
}

/** fsck_commit on a commit object's bytes (without the `commit <size>\0` header). */
export function commitProblems(data: Buffer): FsckProblem[] {
  const problems: FsckProblem[] = [];
  const text = data.toString('utf8');
  const headerEnd = text.indexOf('\n\n');
  const nul = data.indexOf(0);
  if (nul >= 0) {
    const headerEndByte = data.indexOf('\n\n');
    const inHeader = headerEndByte < 0 || nul < headerEndByte;
    problems.push(
      inHeader
        ? { id: 'nulInHeader', message: `unterminated header: NUL at offset ${nul}` }
        : { id: 'nulInCommit', message: 'NUL byte in the commit object body' },
    );
  }
  if (headerEnd < 0 && !text.endsWith('\n')) problems.push({ id: 'unterminatedHeader', message: 'unterminated header' });
  const lines = (headerEnd < 0 ? text : text.slice(0, headerEnd)).split('\n');
  let i = 0;
  const header = (name: string): string | null => (lines[i]?.startsWith(`${name} `) ? lines[i].slice(name.length + 1) : null);
  const tree = header('tree');
  if (tree === null) return [...problems, { id: 'missingTree', message: 'invalid format - expected \'tree\' line' }];
  if (!OID.test(tree)) problems.push({ id: 'badTreeSha1', message: `invalid 'tree' line format - bad sha1` });
  i++;
  for (let parent = header('parent'); parent !== null; parent = header('parent')) {
    if (!OID.test(parent)) problems.push({ id: 'badParentSha1', message: `invalid 'parent' line format - bad sha1` });
    i++;
  }
  let authors = 0;
  for (let author = header('author'); author !== null; author = header('author')) {
    authors++;
    const problem = identProblem(author);
    if (problem) problems.push(problem);
    i++;
  }
  if (authors === 0) problems.push({ id: 'missingAuthor', message: 'invalid format - expected \'author\' line' });
  else if (authors > 1) problems.push({ id: 'multipleAuthors', message: 'invalid format - multiple \'author\' lines' });
  const committer = header('committer');
  if (committer === null) problems.push({ id: 'missingCommitter', message: 'invalid format - expected \'committer\' line' });
  else {
    const problem = identProblem(committer);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** Files git reads from the tree itself, which must not be symbolic links, with fsck's id for each. */
const SYMLINK_REFUSED = new Map([
  ['.gitmodules', 'gitmodulesSymlink'],
  ['.gitattributes', 'gitattributesSymlink'],
  ['.gitignore', 'gitignoreSymlink'],
  ['.mailmap', 'mailmapSymlink'],
]);
// Code points HFS+ ignores when comparing names (git's is_hfs_dotgit), so `.g\u200Cit` is `.git` there.
const HFS_IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/** `.git` as git refuses it on any filesystem: case-insensitive, HFS+ ignorables, NTFS trailing dots/spaces and `git~1`. */
function isDotGit(name: string): boolean {
  const folded = name.replace(HFS_IGNORED, '').toLowerCase();
  if (folded === '.git') return true;
  const ntfs = name.toLowerCase().replace(/[. ]+$/, '');
  return ntfs === '.git' || ntfs === 'git~1';
}

/** The mode as it is written in the tree object (git writes trees as `40000`). */
function writtenMode(entry: TreeEntry): string {
  return entry.mode === '040000' ? '40000' : entry.mode;
}

/**
 * In git's order, whether the entry at `index` repeats an earlier name: the one before it, or for a tree `x` a file `x`
 * further back (only names starting with `x` sort between the file `x` and the tree `x/`).
 */
function isDuplicate(entries: readonly TreeEntry[], index: number): boolean {
  const name = entries[index].path;
  for (let j = index - 1; j >= 0 && entries[j].path.startsWith(name); j--) {
    if (entries[j].path === name) return true;
    if (entries[index].type !== 'tree') return false;
  }
  return false;
}

const WRITTEN_MODES = new Set(['100644', '100755', '120000', '40000', '160000']);

/**
 * fsck_tree on the entries of a tree, in the order they are written; `compare` (git's tree order, repository.ts) also
 * checks that order, for a caller that did not sort. Runs on every save over trees of thousands of entries, so an
 * ordinary entry costs a few comparisons and the messages are only built for a bad one.
 */
export function treeProblems(entries: readonly TreeEntry[], compare?: (a: TreeEntry, b: TreeEntry) => number): FsckProblem[] {
  const problems: FsckProblem[] = [];
  // Sorted, equal names are neighbours except a file and a tree of one name (`x`, `x-1`, `x/`): see isDuplicate.
  const seen = compare ? new Set<string>() : null;
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    const name = entry.path;
    // git 2.39 refuses an empty name while decoding the entry, before its own emptyName check.
    if (name === '') problems.push({ id: 'badTree', message: 'empty filename in tree entry' });
    if (name.includes('/')) problems.push({ id: 'fullPathname', message: `contains full pathnames: ${JSON.stringify(name)}` });
    if (name.includes('\0')) problems.push({ id: 'badTree', message: `entry name ${JSON.stringify(name)} contains NUL` });
    // Only a name starting with '.', 'g' or an ignorable code point can be '.', '..' or a spelling of '.git'.
    const first = name.charCodeAt(0);
    if (first === 46 || first === 103 || first === 71 || first >= 0x200c) {
      if (name === '.') problems.push({ id: 'hasDot', message: "contains '.'" });
      else if (name === '..') problems.push({ id: 'hasDotdot', message: "contains '..'" });
      else if (isDotGit(name)) problems.push({ id: 'hasDotgit', message: `contains '.git' (${JSON.stringify(name)})` });
    }
    const mode = writtenMode(entry);
    if (!WRITTEN_MODES.has(mode)) {
      if (mode.startsWith('0')) problems.push({ id: 'zeroPaddedFilemode', message: `contains zero-padded file modes (${mode} ${JSON.stringify(name)})` });
      else problems.push({ id: 'badFilemode', message: `contains bad file modes (${mode} ${JSON.stringify(name)})` });
    }
    const symlinkRule = mode === '120000' ? SYMLINK_REFUSED.get(name.toLowerCase()) : undefined;
    if (symlinkRule) problems.push({ id: symlinkRule, message: `${JSON.stringify(name)} is a symbolic link` });
    if (!OID.test(entry.oid)) problems.push({ id: 'badTree', message: `entry ${JSON.stringify(name)} has a malformed object id` });
    else if (entry.oid === ZERO_OID) problems.push({ id: 'nullSha1', message: `contains entries pointing to null sha1 (${JSON.stringify(name)})` });
    if (seen ? seen.has(name) : isDuplicate(entries, index)) problems.push({ id: 'duplicateEntries', message: `contains duplicate file entries (${JSON.stringify(name)})` });
    seen?.add(name);
    if (compare && index > 0 && compare(entries[index - 1], entry) > 0) problems.push({ id: 'treeNotSorted', message: `not properly sorted (${JSON.stringify(name)})` });
  }
  return problems;
}
