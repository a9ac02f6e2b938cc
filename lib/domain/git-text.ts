/**
 * What a value must be to go into a git commit: the one home of these rules. They are checked where a value enters
 * (the save, revert, delete and promotion use cases; user administration, start-up accounts, the SSO header), so a bad
 * value is refused with VALIDATION_FAILED naming the field and the fix, and again by the store's object checks
 * (fsck.ts), so a caller that skips the edge still cannot write what `git fsck --strict` rejects.
 *
 * - a message (comments): no NUL (git's nulInCommit; PostgreSQL text cannot hold it either) and no control characters
 *   other than tab and line breaks (those are folded into spaces by the commit message builder);
 * - an ident name (author/committer name): no `<`, `>`, line breaks or other control characters (git's badName; a
 *   line break would start a new commit header);
 * - an ident e-mail: the same, and no spaces.
 */
import { AppError } from '@/lib/errors';

export type GitTextKind = 'message' | 'identName' | 'identEmail';

const REFUSED: Record<GitTextKind, RegExp> = {
  // C0 controls but tab, LF, VT, FF, CR (whitespace the message builder folds), DEL and the C1 controls.
  message: /[\0-\x08\x0e-\x1f\x7f-\x9f]/,
  identName: /[\0-\x1f\x7f-\x9f<>]/,
  identEmail: /[\0-\x20\x7f-\x9f<>]/,
};

function describe(char: string): string {
  if (char === '\0') return 'a NUL character (U+0000)';
  if (char === '\n' || char === '\r') return 'a line break';
  if (char === '<' || char === '>') return `'${char}'`;
  if (char === ' ') return 'a space';
  return `the control character U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** What is wrong with `value` as a `kind`, in plain words ("contains a line break"), or null when it may go into git. */
export function gitTextProblem(value: string, kind: GitTextKind): string | null {
  const found = REFUSED[kind].exec(value);
  return found ? `contains ${describe(found[0])}` : null;
}

const FIX: Record<GitTextKind, string> = {
  message: 'remove control characters such as NUL and write plain text',
  identName: "use a name without '<', '>', line breaks or control characters",
  identEmail: "use an address without '<', '>', spaces, line breaks or control characters",
};

/**
 * Returns `value` when it may go into a git commit as a `kind`; otherwise throws VALIDATION_FAILED with `path` (the
 * request field) and a message naming the field, the problem and the fix (`fix` overrides the default wording).
 */
export function assertGitText(value: string, field: { path: string; label: string; kind: GitTextKind; fix?: string }): string {
  const problem = gitTextProblem(value, field.kind);
  if (problem) {
    const message = `${field.label} ${problem}, which git cannot store in a commit: ${field.fix ?? FIX[field.kind]}.`;
    throw new AppError('VALIDATION_FAILED', message, { details: [{ path: field.path, message: `${problem}; ${FIX[field.kind]}` }] });
  }
  return value;
}
