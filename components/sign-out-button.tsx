'use client';
import { useState } from 'react';
import { buttonClass } from '@/lib/ui/styles';

export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className={buttonClass}
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        await fetch('/api/v1/session', { method: 'DELETE', credentials: 'same-origin' }).catch(() => undefined);
        window.location.assign('/login');
      }}
    >
      Sign out
    </button>
  );
}
