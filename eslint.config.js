import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'earshot-data/', 'coverage/', 'public/vendor/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // SQL lives in storage/ and in the feature folders that own tables (src/README.md): never here.
    files: [
      'src/{http,commands,demo,channels,ingest,queue,replies,pipeline,analysis,triage,domain}/**/*.ts',
      'src/*.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['Literal[value', 'TemplateElement[value.raw'].map((node) => ({
          selector: `${node}=/^\\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM|WITH) /]`,
          message: 'SQL belongs in storage/ or the feature folder that owns the table (layer map: src/README.md)',
        })),
      ],
    },
  },
  {
    files: ['*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['public/**/*.js'],
    languageOptions: {
      globals: {
        document: 'readonly',
        window: 'readonly',
        fetch: 'readonly',
        location: 'readonly',
        localStorage: 'readonly',
        URLSearchParams: 'readonly',
        setTimeout: 'readonly',
        Node: 'readonly',
        HTMLElement: 'readonly',
        clearTimeout: 'readonly',
        EventSource: 'readonly',
        devicePixelRatio: 'readonly',
        requestAnimationFrame: 'readonly',
      },
    },
  },
);
