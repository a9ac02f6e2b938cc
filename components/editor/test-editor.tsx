'use client';
/**
 * The test editor: a structured form and a raw JSON editor over one document (the definition.json text), live
 * validation with the core library the server uses, drift preview, rule helper, save with an issue key, conflict
 * re-apply, and drafts in localStorage so no edit is ever lost.
 */
import { testStatus } from '@/lib/domain/test-status';
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { createDraftSession, createDraftStore, type DraftSession, type EditorDraft } from '@/lib/editor/draft-store';
import { allocationDriftIssues } from '@/lib/editor/allocation-drift-issues';
import { parseEditorText, type TextProblem } from '@/lib/editor/editor-document';
import { NEW_TEST_TEMPLATES } from '@/lib/editor/new-test-templates';
import { offsetAt, rangeOfPath, valuePositions } from '@/lib/proctor/json-locate';
import { reapplyEdit } from '@/lib/editor/reapply-edit';
import { lintDefinitionRules } from '@/lib/editor/rule-lint';
import { parseDefinition, serializeDefinition, validateDefinition, validateTestName, type TestDefinition, type ValidationIssue } from '@/lib/proctor';
import { api } from '@/lib/ui/api';
import type { ApiErrorBody } from '@/lib/ui/api-error';
import { ErrorPanel } from '@/components/error-panel';
import { formatDateTime, percent, shortRevision } from '@/lib/ui/format';
import { describePath, plainIssue } from '@/lib/ui/plain-words';
import { buttonClass, dangerButtonClass, inputClass, primaryButtonClass } from '@/lib/ui/styles';
import { ConflictPanel, type ConflictState } from './conflict-panel';
import { DefinitionForm, type Update } from './definition-form';
import { DeleteDialog } from './delete-dialog';
import { FieldErrorsContext, fieldId, groupIssues, IssuesContext, ProctorSays, type FieldError, type ShownIssue } from './editor-fields';
import { JsonEditor, type JsonDiagnostic } from './json-editor';
import { RuleHelper } from './rule-helper';
import { SaveDialog, type SavedChange, type SaveRequest } from './save-dialog';

export interface TestEditorProps {
  mode: 'create' | 'edit';
  /** Edit: the test's name. Create: the suggested name (copy), may be empty. */
  testName: string;
  initialText: string;
  /** Edit: the trunk revision the text was read at. */
  baseRevision: string | null;
  /** Edit: is the test live in production (delete needs typing the name; drift matters). */
  liveInProduction?: boolean;
  copyOf?: string | null;
  /**
   * Edit: a change prepared elsewhere (the Results tab's "End the test choosing …"): the editor opens on this text,
   * unsaved, against `initialText` as the base; the save dialog proposes the issue and comment.
   */
  prepared?: { text: string; title: string; explanation: string; issueKey: string | null; comment: string } | null;
}

interface Doc {
  /** The text as typed (JSON view, drafts); null after a form edit, serialised from the definition when needed. */
  text: string | null;
  definition: TestDefinition | null;
  problem: TextProblem | null;
  /** The last definition that parsed: the form shows it while the JSON has an error. */
  lastValid: TestDefinition;
}

function docFromText(text: string, lastValid: TestDefinition): Doc {
  const parsed = parseEditorText(text);
  return parsed.ok ? { text, definition: parsed.definition, problem: null, lastValid: parsed.definition } : { text, definition: null, problem: parsed.problem, lastValid };
}

/** definition.json of the document: serialising a big test takes milliseconds, so form edits do it lazily. */
function docText(doc: Doc): string {
  return doc.text ?? serializeDefinition(doc.definition ?? doc.lastValid);
}

function sameIssues(a: ShownIssue[], b: ShownIssue[]): boolean {
  return a.length === b.length && a.every((x, i) => x.path === b[i].path && x.message === b[i].message && x.severity === b[i].severity && x.text === b[i].text);
}

/** Some users already get an active bucket (running or rolled out): moving them between buckets changes what they see. */
function isLive(def: TestDefinition | null): boolean {
  return !!def && testStatus(def) !== 'inactive';
}

const NO_ISSUES = new Map<string, ShownIssue[]>();

export function TestEditor(props: TestEditorProps) {
  const router = useRouter();
  const { mode } = props;
  const [name, setName] = useState(props.testName);
  const [baseRevision, setBaseRevision] = useState(props.baseRevision);
  const [baseText, setBaseText] = useState(mode === 'edit' ? props.initialText : null);
  const baseDefinition = useMemo(() => (baseText ? parseEditorText(baseText) : null), [baseText]);
  const base = baseDefinition?.ok ? baseDefinition.definition : null;
  const [doc, setDoc] = useState<Doc>(() => {
    const start = props.prepared?.text ?? props.initialText;
    const parsed = parseEditorText(start);
    if (!parsed.ok) throw new Error(parsed.problem.message);
    return { text: start, definition: parsed.definition, problem: null, lastValid: parsed.definition };
  });
  const [view, setView] = useState<'form' | 'json'>('form');
  const [saveOpen, setSaveOpen] = useState(false);
  const [deleteOpen, setDeleteOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [serverIssues, setServerIssues] = useState<ValidationIssue[]>([]);
  const [conflict, setConflict] = useState<ConflictState | null>(null);
  const [offers, setOffers] = useState<EditorDraft[]>([]);
  const [lastIssueKey, setLastIssueKey] = useState(props.prepared?.issueKey ?? '');
  // A new test shows no problems until the user has typed something (an empty form is not a mistake yet).
  const [touched, setTouched] = useState(mode === 'edit');
  // The template a new test started from (a new test starts as the 100%-inactive launch).
  const [template, setTemplate] = useState<string | null>(mode === 'create' && !props.copyOf ? 'inactive-launch' : null);
  // Fields whose text is not in the definition (does not parse, or a bucket value another bucket has).
  const [fieldErrors, setFieldErrors] = useState<ReadonlyMap<string, FieldError>>(new Map());
  const reportFieldError = useCallback((key: string, error: FieldError | null) => {
    setFieldErrors((current) => {
      const before = current.get(key);
      if (error === null ? before === undefined : before?.path === error.path && before.message === error.message) return current;
      const next = new Map(current);
      if (error === null) next.delete(key);
      else next.set(key, error);
      return next;
    });
  }, []);
  // The rule context (applications' providedContext + the team's list) the rule lint checks variables against.
  const [knownVariables, setKnownVariables] = useState<ReadonlySet<string> | null>(null);
  useEffect(() => {
    let live = true;
    api.contextSchema.read().then(
      (schema) => {
        if (live) setKnownVariables(new Set(schema.known));
      },
      () => undefined, // without it the lint just does not call variables unknown
    );
    return () => {
      live = false;
    };
  }, []);
  const drafts = useRef<DraftSession | null>(null);
  // A draft restored onto a newer revision waits in the conflict panel: it becomes this editor's draft once re-applied.
  const pendingDraft = useRef<EditorDraft | null>(null);
  const draftName = mode === 'edit' ? props.testName : null;
  // The text as last loaded or saved: the edit is "dirty" (and kept as a draft) when it differs.
  const [savedText, setSavedText] = useState(props.initialText);
  // Typing updates `doc` at once (the field shows the keystroke); the text, validation, rule helper and draft follow
  // from a deferred copy, so they never hold up a keystroke on a big test.
  const deferredDoc = useDeferredValue(doc);
  const text = useMemo(() => docText(deferredDoc), [deferredDoc]);
  const latestDoc = useRef(doc);
  useEffect(() => {
    latestDoc.current = doc;
  }, [doc]);

  // Drafts: offer what was left behind for this test (any base revision; offering removes nothing), then autosave
  // while editing into this editor's own draft.
  useEffect(() => {
    try {
      drafts.current = createDraftSession(createDraftStore(window.localStorage), draftName);
    } catch {
      return;
    }
    setOffers(drafts.current.offers(props.initialText));
  }, [draftName, props.initialText]);

  const dirty = text !== savedText || (mode === 'create' && name !== props.testName);
  useEffect(() => {
    const session = drafts.current;
    if (!session) return;
    const timer = setTimeout(() => {
      if (dirty) session.keep({ baseRevision, text, newName: mode === 'create' ? name : undefined });
      else session.settle();
    }, 300);
    return () => clearTimeout(timer);
  }, [text, name, dirty, baseRevision, mode]);
  useEffect(() => {
    // Leaving the page: the newest text, not the deferred one.
    const flush = () => {
      const current = docText(latestDoc.current);
      if (current !== savedText || (mode === 'create' && name !== props.testName)) {
        drafts.current?.keep({ baseRevision, text: current, newName: mode === 'create' ? name : undefined });
      }
    };
    window.addEventListener('pagehide', flush);
    return () => window.removeEventListener('pagehide', flush);
  }, [savedText, name, props.testName, baseRevision, mode]);

  const update: Update = useCallback((change) => {
    setTouched(true);
    setDoc((d) => {
      if (!d.definition) return d;
      const next = change(d.definition);
      return next === d.definition ? d : { text: null, definition: next, problem: null, lastValid: next };
    });
  }, []);
  const onJsonChange = useCallback((text: string) => {
    setTouched(true);
    setDoc((d) => (d.text === text ? d : docFromText(text, d.lastValid)));
  }, []);

  // Validation runs on the deferred copy so typing stays responsive on big tests.
  const deferredDefinition = deferredDoc.definition;
  // Typed JSON (not a form edit): also warn where reading it changes something (BOM, trailing text, coerced values).
  const deferredSourceText = deferredDoc.text ?? undefined;
  const validationName = mode === 'edit' ? props.testName : name.trim() || 'new_test';
  const issues = useMemo((): ShownIssue[] => {
    const list: ValidationIssue[] = [];
    if (mode === 'create') {
      const nameProblem = validateTestName(name.trim());
      if (nameProblem) list.push({ path: '/name', message: nameProblem, severity: 'error' });
    }
    if (deferredDefinition) {
      list.push(...validateDefinition(validationName, deferredDefinition, { checks: 'all', text: deferredSourceText }));
      // Rule lint: warnings beside Proctor's checks (rules Proctor accepts that probably mean something else).
      list.push(...lintDefinitionRules(deferredDefinition, knownVariables));
    }
    list.push(...serverIssues);
    return list.map((issue) => ({ ...issue, ...plainIssue(issue, deferredDefinition) }));
  }, [deferredDefinition, deferredSourceText, validationName, mode, name, serverIssues, knownVariables]);
  // Keep the same array while the issues are the same, so memoised rows do not re-render on every keystroke.
  const [stable, setStable] = useState(issues);
  if (stable !== issues && !sameIssues(stable, issues)) setStable(issues);
  const issueMap = useMemo(() => groupIssues(stable), [stable]);
  const running = useMemo(() => mode === 'edit' && (isLive(base) || !!props.liveInProduction), [mode, base, props.liveInProduction]);
  // Counted in Problems beside the validation: users a running test would move between buckets (the drift preview
  // explains it at the allocation), and the fields whose text is not in the definition yet.
  const driftIssues = useMemo(
    () => (deferredDefinition ? allocationDriftIssues(base, deferredDefinition, running, percent).map((i) => ({ ...i, text: i.message, proctor: null })) : []),
    [base, deferredDefinition, running],
  );
  const fieldIssues = useMemo(() => [...fieldErrors.values()].map((f): ShownIssue => ({ path: f.path, message: f.message, severity: 'error', text: f.message, proctor: null })), [fieldErrors]);
  const problems = touched ? [...fieldIssues, ...stable, ...driftIssues] : [];
  const errors = problems.filter((i) => i.severity === 'error');
  const warnings = problems.filter((i) => i.severity === 'warning');
  const blocked = doc.problem !== null || fieldIssues.length > 0 || stable.some((i) => i.severity === 'error');

  // The JSON view and the open save dialog need the text as it is now.
  const liveText = useMemo(() => (view === 'json' || saveOpen ? docText(doc) : null), [view, saveOpen, doc]);
  const diagnostics = useMemo<JsonDiagnostic[]>(() => {
    if (view !== 'json' || liveText === null) return [];
    if (doc.problem) {
      const at = doc.problem.line ? offsetAt(liveText, doc.problem.line, doc.problem.column ?? 1) : 0;
      return [{ from: at, to: at + 1, severity: 'error', message: doc.problem.message }];
    }
    const positions = valuePositions(liveText);
    if (!positions) return [];
    return stable.filter((i) => i.path !== '/name').map((i) => ({ ...rangeOfPath(liveText, positions, i.path), severity: i.severity, message: i.text }));
  }, [view, doc.problem, liveText, stable]);

  const focusIssue = (path: string) => {
    setView('form');
    setTimeout(() => {
      for (let p = path; ; p = p.slice(0, p.lastIndexOf('/'))) {
        const el = document.getElementById(fieldId(p)) ?? document.querySelector<HTMLElement>(`[data-path="${CSS.escape(p)}"]`);
        if (el) {
          el.focus();
          el.scrollIntoView({ block: 'center' });
          return;
        }
        if (p === '') return;
      }
    }, 0);
  };

  const openConflict = async (fromRevision: string, fromText: string | null, editText: string) => {
    const current = await api.tests.read(props.testName, { env: 'trunk' });
    const baseTextAt = fromText ?? (await api.tests.read(props.testName, { revision: fromRevision })).text;
    const baseDef = parseDefinition(baseTextAt);
    const currentDef = parseDefinition(current.text);
    const edit = parseEditorText(editText);
    if (!edit.ok) throw { code: 'VALIDATION_FAILED', message: `Your edit does not parse, so it cannot be re-applied: ${edit.problem.message}` } satisfies ApiErrorBody;
    setConflict({
      baseRevision: fromRevision,
      baseText: baseTextAt,
      baseDefinition: baseDef,
      currentRevision: current.revision,
      currentText: current.text,
      currentDefinition: currentDef,
      result: reapplyEdit(baseDef, edit.definition, currentDef),
    });
  };

  const currentRevision = async () => (await api.tests.read(props.testName, { env: 'trunk' })).revision;

  const save = async (request: SaveRequest): Promise<SavedChange | undefined> => {
    if (!doc.definition) return undefined;
    const text = docText(doc);
    setBusy(true);
    setError(null);
    setServerIssues([]);
    setLastIssueKey(request.issueKey);
    const testName = mode === 'edit' ? props.testName : name.trim();
    try {
      const saved =
        mode === 'create'
          ? await api.tests.create({ name: testName, definition: text, issueKey: request.issueKey, comment: request.comment, autoPromote: request.autoPromote })
          : await api.tests.update(testName, { definition: text, baseRevision, issueKey: request.issueKey, comment: request.comment, autoPromote: request.autoPromote });
      drafts.current?.saved();
      setSavedText(text);
      // The dialog shows the revision(s) and the issue; its "Open the test" goes on to the test page.
      return saved as SavedChange;
    } catch (e) {
      const body = e as ApiErrorBody;
      setSaveOpen(false);
      // The draft stays until a save succeeds: a refused save, an upstream outage (503) or a lost connection keep it.
      drafts.current?.keep({ baseRevision, text, newName: mode === 'create' ? name : undefined });
      // STALE_REVISION is the expected signal; any other failure is also checked against trunk, so a test that moved
      // on is always shown as a conflict to re-apply onto.
      const moved =
        mode === 'edit' && baseRevision !== null && (body.code === 'STALE_REVISION' || (await currentRevision().catch(() => baseRevision)) !== baseRevision);
      if (moved && baseRevision) {
        try {
          await openConflict(baseRevision, baseText, text);
        } catch (inner) {
          setError(inner as ApiErrorBody);
        }
      } else {
        setError(body);
        if (body.details) {
          setServerIssues(
            body.details
              .filter((d) => d.path.startsWith('/definition'))
              .map((d) => ({ path: d.path.slice('/definition'.length), message: d.message, severity: 'error' as const })),
          );
        }
      }
      return undefined;
    } finally {
      setBusy(false);
    }
  };

  const remove = async (request: { issueKey: string; comment: string }) => {
    setBusy(true);
    setError(null);
    try {
      await api.tests.remove(props.testName, { baseRevision, issueKey: request.issueKey, comment: request.comment });
      drafts.current?.deleted();
      setDeleteOpen(false);
      router.push('/tests');
    } catch (e) {
      setDeleteOpen(false);
      setError(e as ApiErrorBody);
    } finally {
      setBusy(false);
    }
  };

  const restore = async (draft: EditorDraft) => {
    setOffers([]);
    if (draft.newName !== undefined) setName(draft.newName);
    if (mode === 'edit' && draft.baseRevision && draft.baseRevision !== baseRevision) {
      // A draft made on an older revision: re-apply it onto the current one instead of overwriting newer changes.
      try {
        pendingDraft.current = draft;
        await openConflict(draft.baseRevision, null, draft.text);
      } catch (e) {
        pendingDraft.current = null;
        drafts.current?.adopt(draft);
        setError(e as ApiErrorBody);
        setDoc((d) => docFromText(draft.text, d.lastValid));
        setView('json');
      }
      return;
    }
    drafts.current?.adopt(draft);
    setDoc((d) => docFromText(draft.text, d.lastValid));
    if (parseEditorText(draft.text).ok === false) setView('json');
  };

  const definition = doc.definition ?? doc.lastValid;
  const startFrom = (make: (testName: string) => TestDefinition) => {
    const next = make(name.trim());
    setDoc({ text: serializeDefinition(next), definition: next, problem: null, lastValid: next });
  };
  const title = mode === 'edit' ? `Edit ${props.testName}` : props.copyOf ? `New test (copy of ${props.copyOf})` : 'New test';

  return (
    <FieldErrorsContext.Provider value={reportFieldError}>
    <IssuesContext.Provider value={touched ? issueMap : NO_ISSUES}>
      <div className="space-y-4" data-testid="test-editor">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h1 className="text-2xl font-semibold">{title}</h1>
            {mode === 'edit' && (
              <p className="text-sm text-slate-600 dark:text-slate-400">
                Editing trunk at revision <code data-testid="base-revision">{shortRevision(baseRevision)}</code>
                {props.liveInProduction ? ' · live in production' : ''}
              </p>
            )}
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <div role="tablist" aria-label="Editor view" className="inline-flex rounded-md border border-slate-300 dark:border-slate-600">
              {(['form', 'json'] as const).map((v) => (
                <button
                  key={v}
                  type="button"
                  role="tab"
                  aria-selected={view === v}
                  className={`px-3 py-1.5 text-sm ${view === v ? 'bg-blue-700 text-white' : ''} first:rounded-l-md last:rounded-r-md`}
                  onClick={() => setView(v)}
                >
                  {v === 'form' ? 'Form' : 'JSON'}
                </button>
              ))}
            </div>
            {mode === 'edit' && (
              <button type="button" className={dangerButtonClass} onClick={() => setDeleteOpen(true)}>
                Delete…
              </button>
            )}
            <button type="button" className={primaryButtonClass} disabled={blocked || busy} aria-describedby="save-status" onClick={() => setSaveOpen(true)}>
              Save…
            </button>
          </div>
        </div>
        <p id="save-status" className="text-sm" aria-live="polite" data-testid="save-status">
          {!touched
            ? 'Name the test and describe it; problems are listed here once you start.'
            : doc.problem
            ? 'The JSON does not parse; fix it to save.'
            : errors.length > 0
              ? `Saving is blocked: ${errors.length} error${errors.length === 1 ? '' : 's'} to fix.`
              : warnings.length > 0
                ? `${warnings.length} warning${warnings.length === 1 ? '' : 's'} to acknowledge when saving.`
                : 'No problems found.'}
          {dirty ? ' Unsaved changes are kept as a draft in this browser.' : ''}
        </p>

        {offers.length > 0 && (
          <div role="region" aria-label="Unsaved draft" className="rounded-md border border-blue-400 bg-blue-50 p-3 text-sm text-blue-950 dark:bg-blue-950 dark:text-blue-50" data-testid="draft-offer">
            {offers.slice(0, 3).map((d) => (
              <div key={`${d.baseRevision}#${d.slot}`} className="flex flex-wrap items-center gap-2">
                <span>
                  An unsaved draft from {formatDateTime(d.savedAt)}
                  {mode === 'edit' && d.baseRevision !== baseRevision ? ` (made on older revision ${shortRevision(d.baseRevision)})` : ''} was found.
                </span>
                <button type="button" className={buttonClass} onClick={() => void restore(d)}>
                  {mode === 'edit' && d.baseRevision !== baseRevision ? 'Restore and re-apply' : 'Restore draft'}
                </button>
                <button
                  type="button"
                  className={buttonClass}
                  onClick={() => {
                    drafts.current?.discard(d);
                    setOffers((o) => o.filter((x) => x !== d));
                  }}
                >
                  Discard
                </button>
              </div>
            ))}
            {offers.length > 3 && <p className="mt-1">{offers.length - 3} older draft(s) are kept too: they are offered when these are discarded, or next time the editor opens.</p>}
          </div>
        )}

        {props.prepared && dirty && (
          <div role="region" aria-label="Prepared change" className="rounded-md border border-blue-400 bg-blue-50 p-3 text-sm text-blue-950 dark:bg-blue-950 dark:text-blue-50" data-testid="prepared-change">
            <p className="font-semibold">{props.prepared.title}</p>
            <p>{props.prepared.explanation}</p>
          </div>
        )}

        {error && <ErrorPanel error={error} title="The change was not saved" />}

        {conflict && (
          <ConflictPanel
            conflict={conflict}
            onCancel={() => {
              pendingDraft.current = null;
              setConflict(null);
            }}
            onDiscard={() => {
              // "Discard my edit": this editor's draft, and the restored draft being re-applied; other drafts stay.
              if (pendingDraft.current) drafts.current?.discard(pendingDraft.current);
              pendingDraft.current = null;
              drafts.current?.settle();
              setSavedText(conflict.currentText);
              setBaseText(conflict.currentText);
              setBaseRevision(conflict.currentRevision);
              setDoc((d) => docFromText(conflict.currentText, d.lastValid));
              setConflict(null);
              setError(null);
            }}
            onReapply={(merged) => {
              // The next autosave writes the merged edit under the new base revision and removes the old copy.
              if (pendingDraft.current) drafts.current?.adopt(pendingDraft.current);
              pendingDraft.current = null;
              setSavedText(conflict.currentText);
              setBaseText(conflict.currentText);
              setBaseRevision(conflict.currentRevision);
              setDoc({ text: serializeDefinition(merged), definition: merged, problem: null, lastValid: merged });
              setConflict(null);
              setError(null);
            }}
          />
        )}

        {mode === 'create' && (
          <div>
            <label htmlFor={fieldId('/name')} className="block text-sm font-medium">
              Test name
            </label>
            <input
              id={fieldId('/name')}
              className={`${inputClass} w-80 font-mono`}
              value={name}
              autoComplete="off"
              aria-invalid={touched && issueMap.has('/name')}
              aria-describedby="name-issues"
              onChange={(e) => {
                const next = e.target.value;
                // A salt that still follows the default &<name> follows the name.
                update((d) => (d.salt === `&${name.trim()}` ? { ...d, salt: `&${next.trim()}` } : d));
                setName(next);
                setTouched(true);
              }}
            />
            <p id="name-issues" className="text-xs text-red-700 dark:text-red-400">
              {touched ? issueMap.get('/name')?.[0]?.text : null}
            </p>
          </div>
        )}

        {mode === 'create' && !props.copyOf && (
          <fieldset className="rounded-lg border border-slate-200 p-3 dark:border-slate-700" data-testid="templates">
            <legend className="px-1 text-sm font-medium">Start from a template</legend>
            <ul className="grid gap-2 md:grid-cols-3">
              {NEW_TEST_TEMPLATES.map((t) => (
                <li key={t.id}>
                  <button
                    type="button"
                    aria-pressed={template === t.id}
                    className={`${buttonClass} h-full w-full !flex-col !items-start !justify-start text-left ${template === t.id ? 'ring-2 ring-blue-600 dark:ring-blue-300' : ''}`}
                    onClick={() => {
                      setTemplate(t.id);
                      startFrom(t.make);
                    }}
                  >
                    <span className="block font-medium">{t.title}</span>
                    <span className="block text-xs text-slate-600 dark:text-slate-400">{t.summary}</span>
                  </button>
                </li>
              ))}
            </ul>
          </fieldset>
        )}

        <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,1fr)_20rem]">
          <div className="min-w-0">
            {view === 'form' ? (
              <>
                {doc.problem && (
                  <p role="alert" className="mb-2 rounded bg-red-50 p-2 text-sm text-red-900 dark:bg-red-950 dark:text-red-100">
                    The JSON has an error ({doc.problem.message}). The form shows the last valid version and is read-only until the JSON is fixed.{' '}
                    <button type="button" className={buttonClass} onClick={() => setView('json')}>
                      Go to the JSON
                    </button>
                  </p>
                )}
                <fieldset disabled={doc.problem !== null} className="min-w-0">
                  <legend className="sr-only">Test definition</legend>
                  <DefinitionForm definition={definition} base={base} running={running} update={update} />
                </fieldset>
              </>
            ) : (
              <JsonEditor value={liveText ?? docText(doc)} onChange={onJsonChange} diagnostics={diagnostics} label="definition.json" />
            )}
          </div>
          <aside className="space-y-4" aria-label="Problems and rule helper">
            <section aria-labelledby="problems-heading" className="rounded-lg border border-slate-200 p-3 dark:border-slate-700" data-testid="issue-summary">
              <h2 id="problems-heading" className="font-semibold">
                Problems ({errors.length + (doc.problem ? 1 : 0)} error{errors.length + (doc.problem ? 1 : 0) === 1 ? '' : 's'}, {warnings.length} warning{warnings.length === 1 ? '' : 's'})
              </h2>
              <ul className="mt-2 space-y-1 text-sm">
                {doc.problem && <li className="text-red-700 dark:text-red-400">{doc.problem.message}</li>}
                {problems.map((issue, i) => (
                  <li key={i} className="break-words">
                    <button
                      type="button"
                      className={`text-left underline-offset-2 hover:underline ${issue.severity === 'error' ? 'text-red-700 dark:text-red-400' : 'text-amber-800 dark:text-amber-300'}`}
                      onClick={() => focusIssue(issue.path)}
                    >
                      <span className="font-medium">{describePath(issue.path, definition)}:</span> {issue.text}
                    </button>
                    <ProctorSays text={issue.proctor} />
                  </li>
                ))}
                {!doc.problem && problems.length === 0 && <li className="text-emerald-700 dark:text-emerald-400">{touched ? 'No problems.' : 'Nothing checked yet.'}</li>}
              </ul>
            </section>
            <RuleHelper definition={deferredDoc.definition ?? deferredDoc.lastValid} saved={base} />
          </aside>
        </div>

        <SaveDialog
          open={saveOpen}
          onClose={() => setSaveOpen(false)}
          onSave={save}
          onDone={(saved) => {
            setSaveOpen(false);
            router.push(`/tests/${encodeURIComponent(saved)}`);
          }}
          testName={mode === 'edit' ? props.testName : name.trim()}
          text={liveText ?? text}
          baseText={baseText}
          existing={mode === 'edit'}
          warnings={warnings}
          saving={busy}
          initialIssueKey={lastIssueKey}
          initialComment={props.prepared?.comment}
        />
        {mode === 'edit' && (
          <DeleteDialog open={deleteOpen} onClose={() => setDeleteOpen(false)} onDelete={(r) => void remove(r)} testName={props.testName} liveInProduction={!!props.liveInProduction} busy={busy} />
        )}
      </div>
    </IssuesContext.Provider>
    </FieldErrorsContext.Provider>
  );
}
