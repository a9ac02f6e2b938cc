/**
 * Unsaved edits kept in the browser (localStorage) so a reload, a failed save, an expired session or a closed tab never
 * loses work. One draft per test name + the revision the edit started from; a new test's draft is keyed "(new)".
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
  /** The editor's definition.json text (may be unparseable: it is whatever the user typed). */
  text: string;
  /** For a new test: the name typed so far. */
  newName?: string;
  /** ISO time of the last autosave. */
  savedAt: string;
}

export const DRAFT_PREFIX = 'proctor-studio:draft:';
const NEW_TEST = '(new)';

export function draftKey(testName: string | null, baseRevision: string | null): string {
  return `${DRAFT_PREFIX}${testName ?? NEW_TEST}@${baseRevision ?? 'none'}`;
}

function isDraft(value: unknown): value is EditorDraft {
  const d = value as EditorDraft;
  return d !== null && typeof d === 'object' && typeof d.text === 'string' && typeof d.savedAt === 'string';
}

export interface DraftStore {
  save(draft: Omit<EditorDraft, 'savedAt'>, now?: Date): void;
  load(testName: string | null, baseRevision: string | null): EditorDraft | null;
  /** Every draft of a test, newest first (drafts from older base revisions can be re-applied onto the current one). */
  listFor(testName: string | null): EditorDraft[];
  clear(testName: string | null, baseRevision: string | null): void;
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
        storage.setItem(draftKey(draft.testName, draft.baseRevision), JSON.stringify(full));
      } catch {
        // Storage full or disabled: the editor keeps working, only the safety net is missing.
      }
    },
    load(testName, baseRevision) {
      return read(draftKey(testName, baseRevision));
    },
    listFor(testName) {
      return keysFor(testName)
        .map(read)
        .filter((d): d is EditorDraft => d !== null)
        .sort((a, b) => b.savedAt.localeCompare(a.savedAt));
    },
    clear(testName, baseRevision) {
      storage.removeItem(draftKey(testName, baseRevision));
    },
    clearAll(testName) {
      for (const key of keysFor(testName)) storage.removeItem(key);
    },
  };
}
