export declare const BUILD_SOURCES: string[];
export declare function needsBuild(root?: string): boolean;
