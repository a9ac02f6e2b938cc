'use client';
import type { ReactNode } from 'react';
import { formatDateTime } from '@/lib/ui/format';
import { RevokeTokenButton } from './token-secret';
import type { ApiErrorBody } from '@/lib/ui/api-error';

/** What every kind of token shows: people's API tokens and applications' tokens alike. */
export interface TokenRowBase {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface TokenColumn<T> {
  header: string;
  cell: (token: T) => ReactNode;
  className?: string;
}

/** The tokens of one kind, each with its revoke button; `afterName`/`afterLastUsed` add the kind's own columns. */
export function TokenTable<T extends TokenRowBase>(props: {
  tokens: T[];
  label: string;
  empty: string;
  afterName?: TokenColumn<T>[];
  afterLastUsed?: TokenColumn<T>[];
  /** The row's data attribute that names the token (for tests and scripts). */
  rowAttribute: string;
  revoke: { label: (token: T) => string; confirmation: (token: T) => string; call: (token: T) => Promise<unknown> };
  onError: (error: ApiErrorBody | null) => void;
}) {
  const columns: TokenColumn<T>[] = [
    { header: 'Name', cell: (token) => token.name },
    ...(props.afterName ?? []),
    { header: 'Prefix', cell: (token) => `${token.prefix}…`, className: 'font-mono text-xs' },
    { header: 'Created', cell: (token) => formatDateTime(token.createdAt), className: 'text-xs' },
    { header: 'Last used', cell: (token) => (token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'never'), className: 'text-xs' },
    ...(props.afterLastUsed ?? []),
  ];
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label={props.label}>
        <thead>
          <tr className="border-b border-slate-300 dark:border-slate-600">
            {columns.map((column) => (
              <th key={column.header} scope="col" className="py-1 pr-3">{column.header}</th>
            ))}
            <th scope="col" className="py-1"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {props.tokens.length === 0 && (
            <tr>
              <td colSpan={columns.length + 1} className="py-3 text-slate-600 dark:text-slate-400">{props.empty}</td>
            </tr>
          )}
          {props.tokens.map((token) => (
            <tr key={token.id} className="border-b border-slate-200 dark:border-slate-700" {...{ [props.rowAttribute]: token.name }}>
              {columns.map((column) => (
                <td key={column.header} className={`py-1 pr-3${column.className ? ` ${column.className}` : ''}`}>{column.cell(token)}</td>
              ))}
              <td className="py-1">
                {token.revokedAt ? (
                  <span className="text-xs">revoked {formatDateTime(token.revokedAt)}</span>
                ) : (
                  <RevokeTokenButton revoke={() => props.revoke.call(token)} label={props.revoke.label(token)} confirmation={props.revoke.confirmation(token)} onError={props.onError} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
