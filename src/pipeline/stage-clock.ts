/**
 * An optional lap timer the pipeline calls at each stage boundary, so a bench can say where a batch's
 * time goes (bench/firehose-stages.ts). Each lap charges everything since the previous one to `stage`.
 * The service passes none: the calls cost nothing then. With a clock, sentiment and triage run as two
 * passes so each can be timed, and triage tokenises each text again (a few µs the service does not pay).
 */
export type PipelineStage =
  'load batch' | 'normalize' | 'dedupe' | 'authors' | 'sentiment' | 'triage' | 'case write' | 'mark processed';

export interface StageClock {
  lap(stage: PipelineStage): void;
}
