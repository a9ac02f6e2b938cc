'use client';
/**
 * The raw definition.json editor: CodeMirror 6 with JSON highlighting; validation issues and the parse error are
 * shown as lint diagnostics at the value they concern (positions from the same JSON reader the server uses).
 */
import { useEffect, useRef } from 'react';
import { basicSetup } from 'codemirror';
import { json } from '@codemirror/lang-json';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';

export interface JsonDiagnostic {
  from: number;
  to: number;
  severity: 'error' | 'warning';
  message: string;
}

const theme = EditorView.theme({
  '&': { fontSize: '13px', backgroundColor: 'transparent', color: 'inherit', height: '100%' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' },
  // Opaque (the host's colour): the gutter stays in place when the code scrolls sideways under it.
  '.cm-gutters': { backgroundColor: 'var(--json-editor-bg)', color: 'rgb(100 116 139)', borderRight: '1px solid rgb(148 163 184 / 0.4)' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'rgb(148 163 184 / 0.12)' },
  '&.cm-focused': { outline: '2px solid rgb(37 99 235)' },
  '.cm-content': { caretColor: 'currentColor' },
});

export function JsonEditor({ value, onChange, diagnostics, label }: { value: string; onChange: (text: string) => void; diagnostics: JsonDiagnostic[]; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          json(),
          lintGutter(),
          theme,
          EditorView.contentAttributes.of({ 'aria-label': label, 'data-testid': 'json-editor' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // Created once; later values arrive through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const current = editor.state.doc.toString();
    if (current !== value) editor.dispatch({ changes: { from: 0, to: current.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const length = editor.state.doc.length;
    const list: Diagnostic[] = diagnostics.map((d) => ({
      from: Math.min(d.from, length),
      to: Math.min(Math.max(d.to, d.from), length),
      severity: d.severity,
      message: d.message,
    }));
    editor.dispatch(setDiagnostics(editor.state, list));
  }, [diagnostics, value]);

  return (
    <div
      ref={host}
      data-testid="json-editor-host"
      className="min-h-[28rem] overflow-hidden rounded-md border border-slate-300 bg-[var(--json-editor-bg)] [--json-editor-bg:#fff] dark:border-slate-600 dark:[--json-editor-bg:#0f172a]"
    />
  );
}
