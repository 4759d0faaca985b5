import { watch, type FSWatcher } from 'node:fs';
import { loadRules } from './load.ts';
import type { RuleSet } from './types.ts';

/**
 * Reloads the rules when a file in the directory changes, so edits apply without a restart.
 * Editors write files in several steps, so changes are debounced. A broken edit is reported through
 * onError and the previous rules stay in force. Returns a function that stops watching.
 */
export function watchRules(
  dir: string,
  onReload: (rules: RuleSet) => void,
  onError: (err: unknown) => void,
  debounceMs = 100,
): () => void {
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let generation = 0;
  const reload = (): void => {
    timer = null;
    const mine = ++generation;
    loadRules(dir).then(
      (rules) => {
        if (!closed && mine === generation) onReload(rules);
      },
      (err: unknown) => {
        if (!closed && mine === generation) onError(err);
      },
    );
  };
  let watcher: FSWatcher;
  try {
    watcher = watch(dir, () => {
      if (closed) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(reload, debounceMs);
    });
  } catch (err) {
    onError(err);
    return () => {};
  }
  watcher.on('error', onError);
  return () => {
    closed = true;
    if (timer) clearTimeout(timer);
    watcher.close();
  };
}
