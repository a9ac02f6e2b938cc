export declare const DEMO_TRAFFIC_ARGS: readonly string[];
