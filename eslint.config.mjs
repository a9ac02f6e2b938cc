import next from 'eslint-config-next';

const config = [
  ...next,
  { ignores: ['lib/generated/**', '.next/**', '.data/**', 'node_modules/**'] },
  {
    // lib/proctor is pure domain code: it runs in the browser too, so it may not reach Node, Next, Prisma or git.
    files: ['lib/proctor/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'next', 'next/*', '@prisma/*', 'isomorphic-git', 'fs', 'path', 'crypto', '@/lib/store/*', '@/lib/db/*', '@/lib/services/*'] }],
    },
  },
];
export default config;
