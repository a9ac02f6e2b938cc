'use client';
import { useState } from 'react';
import { buttonClass } from '@/lib/ui/styles';

/** Copy the exact definition.json to the clipboard, or download it. */
export function DefinitionActions({ text, fileName }: { text: string; fileName: string }) {
  const [copied, setCopied] = useState<string>('');
  return (
    <div className="flex items-center gap-2">
      <button
        type="button"
        className={buttonClass}
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(text);
            setCopied('Copied to the clipboard.');
          } catch {
            setCopied('The browser did not allow copying; select the text instead.');
          }
        }}
      >
        Copy
      </button>
      <a className={buttonClass} href={`data:application/json;charset=utf-8,${encodeURIComponent(text)}`} download={fileName}>
        Download
      </a>
      <span role="status" aria-live="polite" className="text-xs text-slate-600 dark:text-slate-400">
        {copied}
      </span>
    </div>
  );
}
