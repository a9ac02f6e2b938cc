import { describe, expect, it } from 'vitest';
import { landFilterQuery, requestFilterQuery, startFilterQuery } from '@/lib/ui/filter-query';

describe('the filters of a list build on the latest requested query', () => {
  it('a change keeps the other keys and returns to page 1', () => {
    const state = requestFilterQuery(startFilterQuery('q=checkout&page=3'), { env: '!production' });
    expect(state.latest).toBe('q=checkout&env=%21production');
  });

  it('an earlier request landing after a later one does not revive a cleared search', () => {
    // The search "checkout button" is on screen; the environment changes, then the debounced clear of the search fires.
    let state = startFilterQuery('q=checkout+button');
    state = requestFilterQuery(state, { env: '!production' }); // A
    state = requestFilterQuery(state, { q: '' }); // B
    // A lands after B was requested: the base stays B.
    state = landFilterQuery(state, 'q=checkout+button&env=%21production').state;
    expect(state.latest).toBe('env=%21production');
    state = requestFilterQuery(state, { env: '' });
    state = requestFilterQuery(state, { drift: 'production-behind' });
    expect(state.latest).toBe('drift=production-behind');
  });

  it('once the URL shows the latest request, an older one is a back/forward navigation and is followed', () => {
    let state = startFilterQuery('');
    state = requestFilterQuery(state, { q: 'checkout' });
    state = requestFilterQuery(state, { env: 'qa' });
    state = landFilterQuery(state, 'q=checkout&env=qa').state;
    expect(state.requested).toEqual([]);
    const back = landFilterQuery(state, 'q=checkout');
    expect(back.external).toBe(true);
    expect(requestFilterQuery(back.state, { drift: 'in-sync' }).latest).toBe('q=checkout&drift=in-sync');
  });

  it('a URL the list never requested (a link) replaces the base at once', () => {
    let state = requestFilterQuery(startFilterQuery(''), { q: 'checkout' });
    const link = landFilterQuery(state, 'tag=search');
    expect(link.external).toBe(true);
    state = requestFilterQuery(link.state, { env: 'qa' });
    expect(state.latest).toBe('tag=search&env=qa');
  });
});
