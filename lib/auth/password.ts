/** Password hashing with bcrypt (cost 10). */
import bcrypt from 'bcryptjs';

export const BCRYPT_COST = 10;
export const MIN_PASSWORD_LENGTH = 8;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

// Compared against when the user does not exist (or has no password), so "unknown user" takes as long as "wrong password"
// and response times do not reveal which usernames exist.
let dummyHash: Promise<string> | undefined;

/** True when `password` matches `hash`; with a null hash it still spends a full bcrypt comparison and returns false. */
export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  if (!hash) {
    dummyHash ??= bcrypt.hash('proctor-studio-dummy-password', BCRYPT_COST);
    await bcrypt.compare(password, await dummyHash);
    return false;
  }
  try {
    return await bcrypt.compare(password, hash);
  } catch {
    return false;
  }
}
