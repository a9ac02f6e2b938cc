/**
 * Unsaved edits kept in the browser (localStorage) so a reload, a failed save, an expired session or a closed tab never
 * loses work. A draft stays until the user discards it or the save of that edit succeeds: offering a draft never removes
 * it, and an editor only ever overwrites or removes the draft it wrote itself (or the one the user restored into it).
 * Each editor session writes to its own slot (test name + base revision + slot id), so a second tab or a reload that
 * starts typing without restoring cannot overwrite an older draft. A new test's drafts are keyed "(new)".
 * The storage is passed in so the logic is testable without a browser.
 */
export interface DraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  key(index: number): string | null;
  readonly length: number;
}

export interface EditorDraft {
  /** null for a test being created. */
  testName: string | null;
  /** The trunk revision the edit started from; null for a new test. */
  baseRevision: string | null;
  /** The editor session that wrote the draft; absent on drafts written before slots existed. */
  slot?: string;
  /** The editor's definition.json text (may be unparseable: it is whatever the user typed). */
  text: string;
  /** For a new test: the name typed so far. */
  newName?: string;
  /** ISO time of the last autosave. */
  savedAt: string;
}

/** What identifies one stored draft. */
export type DraftRef = Pick<EditorDraft, 'testName' | 'baseRevision' | 'slot'>;

export const DRAFT_PREFIX = 'proctor-studio:draft:';
const NEW_TEST = '(new)';

export function draftKey(testName: string | null, baseRevision: string | null, slot?: string): string {
  return `${DRAFT_PREFIX}${testName ?? NEW_TEST}@${baseRevision ?? 'none'}${slot ? `#${slot}` : ''}`;
}

const keyOf = (ref: DraftRef) => draftKey(ref.testName, ref.baseRevision, ref.slot);

function isDraft(value: unknown): value is EditorDraft {
  const d = value as EditorDraft;
  return d !== null && typeof d === 'object' && typeof d.text === 'string' && typeof d.savedAt === 'string';
}

export interface DraftStore {
  /** false when the storage refused the write (full or disabled). */
  save(draft: Omit<EditorDraft, 'savedAt'>, now?: Date): boolean;
  load(ref: DraftRef): EditorDraft | null;
  /** Every draft of a test, newest first (drafts from older base revisions can be re-applied onto the current one). */
  listFor(testName: string | null): EditorDraft[];
  clear(ref: DraftRef): void;
  clearAll(testName: string | null): void;
}

export function createDraftStore(storage: DraftStorage): DraftStore {
  const read = (key: string): EditorDraft | null => {
    try {
      const raw = storage.getItem(key);
      if (raw === null) return null;
      const parsed: unknown = JSON.parse(raw);
      return isDraft(parsed) ? parsed : null;
    } catch {
      return null;
    }
  };
  const keysFor = (testName: string | null): string[] => {
    const prefix = `${DRAFT_PREFIX}${testName ?? NEW_TEST}@`;
    const keys: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key !== null && key.startsWith(prefix)) keys.push(key);
    }
    return keys;
  };
  return {
    save(draft, now = new Date()) {
      const full: EditorDraft = { ...draft, savedAt: now.toISOString() };
      try {
        storage.setItem(keyOf(draft), JSON.stringify(full));
        return true;
      } catch {
        // Storage full or disabled: the editor keeps working, only the safety net is missing.
        return false;
      }
    },
    load(ref) {
      return read(keyOf(ref));
    },
    listFor(testName) {
      return keysFor(testName)
        .map(read)
        .filter((d): d is EditorDraft => d !== null)
        .sort((a, b) => b.savedAt.localeCompare(a.savedAt));
    },
    clear(ref) {
      storage.removeItem(keyOf(ref));
    },
    clearAll(testName) {
      for (const key of keysFor(testName)) storage.removeItem(key);
    },
  };
}

/** The edit as the editor holds it. */
export interface DraftEdit {
  baseRevision: string | null;
  text: string;
  newName?: string;
}

/** One editor's use of the drafts of one test: the policy of what is kept, offered and removed. */
export interface DraftSession {
  /** Drafts left behind for this test (any base revision), newest first, except those equal to the loaded text. */
  offers(loadedText: string): EditorDraft[];
  /** The edit differs from the saved text: write it to this session's draft. */
  keep(edit: DraftEdit, now?: Date): void;
  /** The edit is back to the saved text: remove this session's own draft, nobody else's. */
  settle(): void;
  /** The user restored this draft: further edits update it instead of starting another one. */
  adopt(draft: EditorDraft): void;
  /** The user discarded this draft. */
  discard(draft: DraftRef): void;
  /** The edit was saved: its draft is done (drafts of other sessions stay until restored and saved, or discarded). */
  saved(): void;
  /** The test was deleted: none of its drafts can be saved any more. */
  deleted(): void;
}

function newSlot(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export function createDraftSession(store: DraftStore, testName: string | null, slot: string = newSlot()): DraftSession {
  let currentSlot: string | undefined = slot;
  // The draft this session wrote or adopted, if any.
  let own: DraftRef | null = null;
  const same = (a: DraftRef, b: DraftRef) => keyOf(a) === keyOf(b);
  return {
    offers(loadedText) {
      return store.listFor(testName).filter((d) => d.text !== loadedText && !(own && same(d, own)));
    },
    keep(edit, now) {
      const target: DraftRef = { testName, baseRevision: edit.baseRevision, slot: currentSlot };
      if (!store.save({ ...edit, ...target }, now)) return;
      // The edit moved onto a newer base revision (re-applied): the copy under the old one is superseded.
      if (own && !same(own, target)) store.clear(own);
      own = target;
    },
    settle() {
      if (own) store.clear(own);
      own = null;
    },
    adopt(draft) {
      currentSlot = draft.slot;
      own = { testName, baseRevision: draft.baseRevision, slot: draft.slot };
    },
    discard(draft) {
      store.clear(draft);
      if (own && same(own, draft)) own = null;
    },
    saved() {
      if (own) store.clear(own);
      own = null;
      currentSlot = newSlot();
    },
    deleted() {
      store.clearAll(testName);
      own = null;
    },
  };
}
