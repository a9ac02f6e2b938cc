export declare const BROWSER_CLIENT_FILE: string;
export declare function buildBrowserClient(options?: { outfile?: string; minify?: boolean }): Promise<{ outfile: string; bytes: number }>;
