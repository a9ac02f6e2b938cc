/** Account administration (admin only): list, create, change role/name/password, disable. Never removes the last admin. */
import { AppError } from '@/lib/errors';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { assertGitText } from '@/lib/domain/git-text';
import { hashPassword, MIN_PASSWORD_LENGTH } from './password';
import { requireReader, type Reader } from './actor';
import type { Role } from './roles';
import { toAuthUser, type AuthUser } from './user-view';

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface UserDeps {
  prisma: PrismaClient;
}

export interface CreateUserInput {
  username: string;
  displayName?: string;
  email?: string | null;
  role: Role;
  password?: string;
}

export interface UpdateUserInput {
  role?: Role;
  disabled?: boolean;
  password?: string;
  displayName?: string;
  email?: string | null;
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('VALIDATION_FAILED', `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`, {
      details: [{ path: '/password', message: `must have at least ${MIN_PASSWORD_LENGTH} characters` }],
    });
  }
}

/** Display names and e-mails become the git author of the user's changes (git-text.ts). */
function checkDisplayName(displayName: string | undefined): string | undefined {
  const trimmed = displayName?.trim();
  return trimmed ? assertGitText(trimmed, { path: '/displayName', label: 'The display name', kind: 'identName' }) : undefined;
}

function checkEmail(email: string | null | undefined): string | null | undefined {
  const trimmed = typeof email === 'string' ? email.trim() : email;
  return trimmed ? assertGitText(trimmed, { path: '/email', label: 'The e-mail address', kind: 'identEmail' }) : trimmed === '' ? null : trimmed;
}

export async function listUsers(deps: UserDeps, reader: Reader): Promise<AuthUser[]> {
  requireReader(reader, 'admin');
  const users = await deps.prisma.user.findMany({ orderBy: { username: 'asc' } });
  return users.map(toAuthUser);
}

export async function createUser(deps: UserDeps, reader: Reader, input: CreateUserInput): Promise<AuthUser> {
  requireReader(reader, 'admin');
  const username = input.username.trim();
  if (!USERNAME_PATTERN.test(username)) {
    throw new AppError('VALIDATION_FAILED', `Username '${username}' is not valid: use lower-case letters, digits, '.', '_' or '-' (at most 64).`, {
      details: [{ path: '/username', message: 'must match ^[a-z0-9][a-z0-9._-]{0,63}$' }],
    });
  }
  const displayName = checkDisplayName(input.displayName);
  const email = checkEmail(input.email);
  if (input.password !== undefined) checkPassword(input.password);
  if (await deps.prisma.user.findUnique({ where: { username } })) {
    throw new AppError('ALREADY_EXISTS', `User '${username}' already exists.`);
  }
  const user = await deps.prisma.user.create({
    data: {
      username,
      displayName: displayName ?? username,
      email: email ?? null,
      role: input.role,
      passwordHash: input.password === undefined ? null : await hashPassword(input.password),
    },
  });
  return toAuthUser(user);
}

export async function updateUser(deps: UserDeps, reader: Reader, input: UpdateUserInput & { username: string }): Promise<AuthUser> {
  requireReader(reader, 'admin');
  const { username } = input;
  const { prisma } = deps;
  const displayName = checkDisplayName(input.displayName);
  const email = checkEmail(input.email);
  if (input.password !== undefined) checkPassword(input.password);
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  return prisma.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { username } });
    if (!existing) throw new AppError('NOT_FOUND', `User '${username}' does not exist.`);
    const losesAdmin =
      existing.role === 'admin' && !existing.disabled && ((input.role !== undefined && input.role !== 'admin') || input.disabled === true);
    if (losesAdmin) {
      const otherAdmins = await tx.user.count({ where: { role: 'admin', disabled: false, NOT: { id: existing.id } } });
      if (otherAdmins === 0) {
        throw new AppError('FORBIDDEN', `'${username}' is the last active admin; make another user admin first.`);
      }
    }
    const updated = await tx.user.update({
      where: { id: existing.id },
      data: {
        role: input.role,
        disabled: input.disabled,
        displayName,
        email,
        passwordHash,
      },
    });
    // A new password or a disabled account ends every open session of that user.
    if (passwordHash !== undefined || input.disabled === true) await tx.session.deleteMany({ where: { userId: existing.id } });
    return toAuthUser(updated);
  });
}
