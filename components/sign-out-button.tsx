'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/lib/ui/api';
import { buttonClass } from '@/lib/ui/styles';

export function SignOutButton() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className={buttonClass}
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        await api.session.signOut().catch(() => undefined);
        router.push('/login');
        router.refresh();
      }}
    >
      Sign out
    </button>
  );
}
