/** The request header proxy.ts sets to a page's path (overwriting whatever the client sent), for lib/server/unknown-page.ts. */
export const PAGE_PATH_HEADER = 'x-proctor-page-path';
