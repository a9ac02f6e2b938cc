/**
 * Three-way re-apply at JSON-path level: the user's changes (base → edit) are replayed onto the current revision.
 * Objects are compared key by key; arrays element by element when base and edit have the same length, otherwise the
 * whole array is one change (an inserted bucket shifts every index, so element paths would lie). A path the other
 * side also changed, to a different value, is a conflict: the merge keeps the current value there and lists it, and
 * resolveConflicts() can then take the user's value instead.
 */
import { DoubleValue } from '../proctor';

type Json = unknown;
const ABSENT: unique symbol = Symbol('absent');
type Slot = Json | typeof ABSENT;

export interface ReapplyConflict {
  path: string;
  base: Json | undefined;
  mine: Json | undefined;
  theirs: Json | undefined;
}

export interface ReapplyResult<T> {
  merged: T;
  /** Paths of the user's changes carried over. */
  applied: string[];
  /** Paths changed by both, differently (the merge keeps theirs). */
  conflicts: ReapplyConflict[];
}

function isObject(v: Json): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof DoubleValue);
}

export function sameJson(a: Json, b: Json): boolean {
  if (a instanceof DoubleValue || b instanceof DoubleValue) {
    return a instanceof DoubleValue && b instanceof DoubleValue && a.value === b.value;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
  }
  return a === b;
}

function token(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

function tokens(path: string): string[] {
  return path === '' ? [] : path.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function slot(v: Json | undefined): Slot {
  return v === undefined ? ABSENT : v;
}

/** Minimal changed paths from a to b (see the file comment for arrays). */
export function changedPaths(a: Json, b: Json, path = ''): string[] {
  if (sameJson(a, b)) return [];
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => changedPaths(a[k], b[k], `${path}/${token(k)}`));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((v, i) => changedPaths(v, b[i], `${path}/${i}`));
  }
  return [path];
}

export function getPath(root: Json, path: string): Slot {
  let node: Json = root;
  for (const t of tokens(path)) {
    if (Array.isArray(node)) {
      const i = Number(t);
      if (!Number.isInteger(i) || i < 0 || i >= node.length) return ABSENT;
      node = node[i];
    } else if (isObject(node)) {
      if (!Object.hasOwn(node, t) || node[t] === undefined) return ABSENT;
      node = node[t];
    } else return ABSENT;
  }
  return node;
}

/** A copy of root with the value at path replaced (ABSENT deletes an object key); null when the parent is missing. */
function setPath(root: Json, path: string, value: Slot): { ok: boolean; root: Json } {
  const ts = tokens(path);
  if (ts.length === 0) return { ok: true, root: value === ABSENT ? undefined : value };
  const copy = (node: Json, depth: number): Json | typeof ABSENT => {
    const t = ts[depth];
    const last = depth === ts.length - 1;
    if (Array.isArray(node)) {
      const i = Number(t);
      if (!Number.isInteger(i) || i < 0 || i >= node.length) return ABSENT;
      const out = [...node];
      if (last) {
        if (value === ABSENT) return ABSENT; // array lengths only change as whole-array changes
        out[i] = value;
      } else {
        const child = copy(node[i], depth + 1);
        if (child === ABSENT) return ABSENT;
        out[i] = child;
      }
      return out;
    }
    if (isObject(node)) {
      const out: Record<string, Json> = { ...node };
      if (last) {
        if (value === ABSENT) delete out[t];
        else out[t] = value;
      } else {
        if (!Object.hasOwn(node, t)) return ABSENT;
        const child = copy(node[t], depth + 1);
        if (child === ABSENT) return ABSENT;
        out[t] = child;
      }
      return out;
    }
    return ABSENT;
  };
  const result = copy(root, 0);
  return result === ABSENT ? { ok: false, root } : { ok: true, root: result };
}

function overlaps(p: string, q: string): boolean {
  return p === q || p.startsWith(q + '/') || q.startsWith(p + '/');
}

function plainSlot(v: Slot): Json | undefined {
  return v === ABSENT ? undefined : v;
}

export function reapplyEdit<T>(base: T, edit: T, current: T): ReapplyResult<T> {
  const mine = changedPaths(base, edit);
  const theirs = changedPaths(base, current);
  let merged: Json = current;
  const applied: string[] = [];
  const conflicts: ReapplyConflict[] = [];
  for (const path of mine) {
    const wanted = getPath(edit, path);
    const now = getPath(merged, path);
    if (wanted !== ABSENT && now !== ABSENT && sameJson(wanted, now)) continue; // both made the same change
    if (wanted === ABSENT && now === ABSENT) continue;
    const clash = theirs.some((q) => overlaps(path, q));
    if (!clash) {
      const next = setPath(merged, path, wanted);
      if (next.ok) {
        merged = next.root;
        applied.push(path);
        continue;
      }
    }
    conflicts.push({ path, base: plainSlot(getPath(base, path)), mine: plainSlot(wanted), theirs: plainSlot(now) });
  }
  return { merged: merged as T, applied, conflicts };
}

/** Takes the user's value at each chosen conflict path (others keep the current value). */
export function resolveConflicts<T>(result: ReapplyResult<T>, useMine: ReadonlySet<string>): T {
  let merged: Json = result.merged;
  for (const c of result.conflicts) {
    if (!useMine.has(c.path)) continue;
    // A conflict inside an array whose length changed cannot take a single element: replace at the nearest parent
    // that exists in the merged value.
    const next = setPath(merged, c.path, slot(c.mine));
    if (next.ok) merged = next.root;
  }
  return merged as T;
}
