/**
 * git's object formats, byte for byte: trees (parse, git's entry order, render) and commits (parse as isomorphic-git
 * reads them, render as it wrote them, so seeded histories keep their ids), and the refusal of an object `git fsck
 * --strict` would reject. No I/O here: repository.ts reads and writes the objects.
 */
import type { TreeEntry } from 'isomorphic-git';
import { AppError } from '@/lib/errors';
import { gitTextProblem } from '@/lib/domain/git-text';
import { commitProblems, type FsckProblem } from './fsck';

export interface Signature {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  timestamp: number;
  /** Minutes, git's sign convention as isomorphic-git uses it (0 = UTC). */
  timezoneOffset: number;
}

export interface CommitInfo {
  oid: string;
  tree: string;
  parents: string[];
  message: string;
  author: Signature;
  committer: Signature;
  /**
   * What `git fsck --strict` would report on this commit (NUL bytes, malformed author or committer lines), set only
   * when there is something: such a commit is still read (the fields are best effort) so a repository holding one keeps
   * working, and the history index names it with the repair.
   */
  problems?: FsckProblem[];
}

function modeType(mode: string): TreeEntry['type'] {
  switch (mode) {
    case '040000':
      return 'tree';
    case '100644':
    case '100755':
    case '120000':
      return 'blob';
    case '160000':
      return 'commit';
  }
  throw new AppError('INTERNAL', `Unexpected git tree entry mode: ${mode}`);
}

/** A raw tree object → entries in git's order (isomorphic-git's shape: mode `040000` for trees, hex oids). */
export function parseTree(data: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let cursor = 0;
  while (cursor < data.length) {
    const space = data.indexOf(32, cursor);
    const nul = data.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 21 > data.length) throw new AppError('INTERNAL', 'Malformed git tree object.');
    // The usual modes as shared literals rather than a new string per entry.
    let mode = data.toString('latin1', cursor, space);
    if (mode === '40000') mode = '040000';
    else if (mode === '100644') mode = '100644';
    entries.push({ mode, path: data.toString('utf8', space + 1, nul), oid: data.toString('hex', nul + 1, nul + 21), type: modeType(mode) });
    cursor = nul + 21;
  }
  return entries;
}

/** A well-formed ident (what fsck accepts); anything else gets the full check. */
const WELL_FORMED_IDENT = /^[^<>\n]* <[^<>\n]*> (?:0|[1-9][0-9]{0,15}) [+-][0-9]{4}$/;

/** A malformed ident is read as well as it can be (name = the raw text, epoch 0): reading must not fail on old data. */
function parseSignature(value: string): Signature {
  const m = /^(.*) <(.*)> (.*) (.*)$/.exec(value);
  if (!m) return { name: value, email: '', timestamp: 0, timezoneOffset: 0 };
  const tz = /(\+|-)(\d\d)(\d\d)/.exec(m[4]);
  const minutes = tz ? (tz[1] === '+' ? 1 : -1) * (Number(tz[2]) * 60 + Number(tz[3])) : 0;
  // isomorphic-git's convention: the sign is inverted (0 stays 0).
  const timestamp = Number(m[3]);
  return { name: m[1], email: m[2], timestamp: Number.isSafeInteger(timestamp) ? timestamp : 0, timezoneOffset: minutes === 0 ? 0 : -minutes };
}

/** The UTF-8 bytes of an entry's name as git sorts it: a tree's name as if it ended with `/`. */
function sortKey(entry: TreeEntry): Buffer {
  return Buffer.from(entry.type === 'tree' ? `${entry.path}/` : entry.path, 'utf8');
}

/**
 * git's tree order: byte order of the UTF-8 names, a tree's name compared as if it ended with `/`. Compared code unit
 * by code unit without building strings (a 5,000-entry tree is checked on every save); UTF-16 order is UTF-8 byte
 * order below the surrogates, so from U+D800 up the bytes decide.
 */
export function compareTreeEntries(a: TreeEntry, b: TreeEntry): number {
  const x = a.path;
  const y = b.path;
  const length = Math.min(x.length, y.length);
  for (let i = 0; i <= length; i++) {
    // Past a name's end comes `/` for a tree (never inside a name), nothing (-1) for a file.
    const cx = i < x.length ? x.charCodeAt(i) : a.type === 'tree' ? 0x2f : -1;
    const cy = i < y.length ? y.charCodeAt(i) : b.type === 'tree' ? 0x2f : -1;
    if (cx === cy) continue;
    if (cx >= 0xd800 || cy >= 0xd800) return Buffer.compare(sortKey(a), sortKey(b));
    return cx < cy ? -1 : 1;
  }
  return 0;
}

/** Entries in git's tree order: the same array when it already is (the usual case), else a sorted copy. */
export function inTreeOrder(entries: TreeEntry[]): TreeEntry[] {
  for (let i = 1; i < entries.length; i++) {
    if (compareTreeEntries(entries[i - 1], entries[i]) >= 0) return [...entries].sort(compareTreeEntries);
  }
  return entries;
}

/** Entries already in git's tree order → tree object bytes (mode `40000` for trees, as git writes it). */
export function renderTree(sorted: TreeEntry[]): Buffer {
  // One buffer sized up front: a 5,000-test tree was 10,000 small buffers concatenated on every save.
  let size = 0;
  for (const entry of sorted) size += (entry.mode === '040000' ? 5 : entry.mode.length) + 1 + Buffer.byteLength(entry.path, 'utf8') + 1 + 20;
  const out = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const entry of sorted) {
    offset += out.write(`${entry.mode === '040000' ? '40000' : entry.mode} ${entry.path}\0`, offset, 'utf8');
    offset += out.write(entry.oid, offset, 'hex');
  }
  return out;
}

/** A raw commit object, read exactly as isomorphic-git's readCommit does (same message normalisation). */
export function parseCommit(oid: string, data: Buffer): CommitInfo {
  const text = data.toString('utf8');
  const split = text.indexOf('\n\n');
  const headerText = split < 0 ? text : text.slice(0, split);
  const headers: string[] = [];
  for (const line of headerText.split('\n')) {
    if (line[0] === ' ' && headers.length > 0) headers[headers.length - 1] += `\n${line.slice(1)}`;
    else headers.push(line);
  }
  const key = (h: string) => h.slice(0, h.indexOf(' '));
  const value = (h: string) => h.slice(h.indexOf(' ') + 1);
  if (headers.length === 0 || key(headers[0]) !== 'tree') throw new AppError('INTERNAL', `Commit ${oid} does not start with a tree.`);
  const parents: string[] = [];
  let index = 1;
  while (index < headers.length && key(headers[index]) === 'parent') parents.push(value(headers[index++]));
  const rest = new Map<string, string>();
  for (; index < headers.length; index++) if (!rest.has(key(headers[index]))) rest.set(key(headers[index]), value(headers[index]));
  const message = `${text.slice(split + 2).replace(/\r/g, '').replace(/^\n+/, '').replace(/\n+$/, '')}\n`;
  const author = rest.get('author') ?? '';
  const committer = rest.get('committer') ?? '';
  const info: CommitInfo = { oid, tree: value(headers[0]), parents, message, author: parseSignature(author), committer: parseSignature(committer) };
  // The full fsck check only when a cheap look finds something odd (the history walk reads every commit).
  if (data.indexOf(0) >= 0 || !WELL_FORMED_IDENT.test(author) || !WELL_FORMED_IDENT.test(committer)) {
    const problems = commitProblems(data);
    if (problems.length > 0) info.problems = problems;
  }
  return info;
}

/** Renders a commit object byte for byte as isomorphic-git's writeCommit did (so seeded histories keep their ids). */
export function renderCommit(args: { tree: string; parents: string[]; message: string; author: Signature; committer: Signature }): Buffer {
  const ident = (s: Signature) => {
    const minutes = Math.abs(s.timezoneOffset);
    // isomorphic-git's convention: the sign is inverted (0 is +0000).
    const sign = s.timezoneOffset > 0 ? '-' : '+';
    const zone = `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}`;
    return `${s.name} <${s.email}> ${s.timestamp} ${zone}`;
  };
  const message = `${args.message.replace(/\r/g, '').replace(/^\n+/, '').replace(/\n+$/, '')}\n`;
  const parents = args.parents.map((parent) => `parent ${parent}\n`).join('');
  return Buffer.from(`tree ${args.tree}\n${parents}author ${ident(args.author)}\ncommitter ${ident(args.committer)}\n\n${message}`, 'utf8');
}

/** The refusal of an object git fsck --strict would reject: nothing has been written when it is thrown. */
export function refusal(what: string, problems: Array<FsckProblem & { path?: string }>): AppError {
  const list = problems.map((p) => `${p.id}: ${p.message}`).join('; ');
  return new AppError('VALIDATION_FAILED', `Refused to write a ${what} that git fsck --strict would reject (${list}). Nothing was written; correct the value and try again.`, {
    details: problems.map((p) => ({ path: p.path ?? '', message: `${p.id}: ${p.message}` })),
    data: { fsck: problems.map((p) => p.id) },
  });
}

/**
 * The values of a commit checked before it is rendered: an ident field must not hold what would end or forge its line
 * (a line break in a name can inject a well-formed `committer` header that fsck alone would not notice).
 */
export function signatureProblems(role: 'author' | 'committer', s: Signature): Array<FsckProblem & { path: string }> {
  const problems: Array<FsckProblem & { path: string }> = [];
  const name = typeof s.name === 'string' ? gitTextProblem(s.name, 'identName') : 'is not text';
  if (name) problems.push({ id: 'badName', message: `the ${role} name ${name}`, path: `${role}.name` });
  const email = typeof s.email === 'string' ? gitTextProblem(s.email, 'identEmail') : 'is not text';
  if (email) problems.push({ id: 'badEmail', message: `the ${role} e-mail ${email}`, path: `${role}.email` });
  if (!Number.isSafeInteger(s.timestamp) || s.timestamp < 0) problems.push({ id: 'badDate', message: `the ${role} date is not a time`, path: `${role}.timestamp` });
  if (!Number.isInteger(s.timezoneOffset) || Math.abs(s.timezoneOffset) >= 100 * 60) {
    problems.push({ id: 'badTimezone', message: `the ${role} time zone is not an offset`, path: `${role}.timezoneOffset` });
  }
  return problems;
}
