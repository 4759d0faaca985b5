/** Crisis detection: pure functions over counts; no database, no clock (src/crisis/ runs them). */
export * from './baseline.ts';
export * from './assess.ts';
export * from './track.ts';
export * from './stream.ts';
