// The lint gate (`npm run lint`, run by .ci/run): type-aware checks the compiler leaves out.
// switch-exhaustiveness-check: a new kind must be handled wherever a switch decides by kind;
// no-floating-promises: every promise is awaited or handled; no-unused-vars: no dead code.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/invalid/**', 'test/golden/out/**', '.evforge/**', '.venv-sigma/**', 'mappings/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
