/**
 * The live models of a running process: the sentiment model (shipped, or a trained file from
 * EARSHOT_MODEL) and the triage rules of EARSHOT_RULES, reloaded when a rule file changes.
 */
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { defaultSentimentModel, loadSentimentModel } from '../analysis/sentiment/index.ts';
import { loadRules, watchRules, triage } from '../triage/index.ts';
import type { Models } from './process.ts';

export interface LiveModels extends Models {
  close(): void;
}

export async function createModels(config: Config, log: Logger): Promise<LiveModels> {
  const sentimentModel = config.modelFile
    ? await loadSentimentModel(config.modelFile)
    : defaultSentimentModel(config.sentimentModel);
  let rules = await loadRules(config.rulesDir);
  const stopWatching = watchRules(
    config.rulesDir,
    (next) => {
      rules = next;
      log.info({ dir: config.rulesDir }, 'triage rules reloaded');
    },
    (err) =>
      log.error(
        { err: err instanceof Error ? err.message : String(err) },
        'triage rules not reloaded: the files have an error; the previous rules stay in force',
      ),
  );
  return {
    sentiment: (text) => sentimentModel.classify(text),
    triage: (input, sentiment) => triage(input, sentiment, rules),
    close: stopWatching,
  };
}
