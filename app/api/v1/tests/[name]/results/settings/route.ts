import { apiRoute } from '@/lib/http/api-route';
import { RESULTS_SETTINGS_BODY } from '@/lib/http/api-schemas';
import { readResultsSettings, saveResultsSettings, type SaveResultsSettingsInput } from '@/lib/services/results-settings';

export const dynamic = 'force-dynamic';

/** How the test's results are judged: α, correction, mode (locked once there is data), control bucket, N*. */
export const GET = apiRoute<undefined, { name: string }>({}, async (ctx) => readResultsSettings(ctx.deps, ctx.actor, { name: ctx.params.name }));

export const PUT = apiRoute<SaveResultsSettingsInput, { name: string }>({ role: 'editor', body: RESULTS_SETTINGS_BODY, action: 'results.settings' }, async (ctx) => {
  ctx.audit.target = ctx.params.name;
  const { view, before } = await saveResultsSettings(ctx.deps, ctx.actor, { name: ctx.params.name, settings: ctx.body });
  ctx.audit.details = { before, after: { alpha: view.alpha, correction: view.correction, mode: view.mode, controlBucket: view.controlBucket, sequentialN: view.sequentialN } };
  return view;
});
