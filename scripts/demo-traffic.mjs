// The demo's traffic, one home: `npm start` records it once on a fresh database (scripts/start.mjs) and the results
// HTTP test checks exactly what a newcomer then sees (a clear winner, a flat test, a planted sample-ratio mismatch).
// The seed is part of the story: with α = 0.05 and five goals, some seeds give the flat test a chance "winner" on one
// goal (seed 1 does, apply at p = 0.034); seed 2 shows the three tests as the simulator made them.
export const DEMO_TRAFFIC_ARGS = ['--days', '21', '--users', '6000', '--seed', '2'];
