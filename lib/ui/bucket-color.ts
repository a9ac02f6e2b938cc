/**
 * Bucket colours as Proctor's matrix list draws them: md5(bucket name) & 0xFFFFFF | 0x808080 (FACTS, webapp list),
 * so every channel is at least 0x80 — a light colour that dark text stays readable on in light and dark mode.
 * Inactive buckets (value -1) are grey.
 */
import { md5 } from '../proctor/md5';

const cache = new Map<string, string>();

export function bucketColor(bucketName: string, bucketValue?: number): string {
  if (bucketValue === -1) return '#9ca3af';
  let color = cache.get(bucketName);
  if (!color) {
    const digest = md5(new TextEncoder().encode(bucketName));
    const rgb = ((digest[0] << 16) | (digest[1] << 8) | digest[2]) | 0x808080;
    color = `#${rgb.toString(16).padStart(6, '0')}`;
    cache.set(bucketName, color);
  }
  return color;
}
