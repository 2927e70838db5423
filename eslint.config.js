// Lint configuration: typescript-eslint's recommended type-aware rules, a few house rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'src/syscalls/generated/**', 'bench/results/**', 'examples/**/*.js', '**/.*-tmp.ts'] },
  { languageOptions: { globals: { ...globals.node } } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      'no-console': 'off',
      // Matching control characters is deliberate where messages are made one-line.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.property.name='execSync']", message: 'never run user input through a shell; use execFile/spawn with an argv' }],
    },
  },
);
