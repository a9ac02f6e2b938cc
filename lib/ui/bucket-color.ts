/**
 * Bucket colours as Proctor's matrix list draws them: md5(bucket name) & 0xFFFFFF | 0x808080 (FACTS, webapp list),
 * so every channel is at least 0x80 — a light colour that dark text stays readable on in light and dark mode.
 * Inactive buckets (value -1) are grey.
 */
import { md5 } from '../proctor/md5';

/**
 * Colours are memoised (a tests page draws hundreds of ranges), but bucket names are whatever users type into
 * definitions, and the server process renders every name it ever sees: the memo keeps the most recent ones only.
 */
export const BUCKET_COLOR_MEMO_SIZE = 1024;
const memo = new Map<string, string>();

export function bucketColor(bucketName: string, bucketValue?: number): string {
  if (bucketValue === -1) return '#9ca3af';
  let color = memo.get(bucketName);
  if (color) {
    memo.delete(bucketName);
  } else {
    const digest = md5(new TextEncoder().encode(bucketName));
    const rgb = ((digest[0] << 16) | (digest[1] << 8) | digest[2]) | 0x808080;
    color = `#${rgb.toString(16).padStart(6, '0')}`;
    if (memo.size >= BUCKET_COLOR_MEMO_SIZE) memo.delete(memo.keys().next().value as string);
  }
  memo.set(bucketName, color);
  return color;
}
