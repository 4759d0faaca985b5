/**
 * Triage rules and the SLA calendar, for admins: read the rule files, preview a change against the
 * latest stored mentions, save it (the running workers reload rules when a file changes). Files are
 * named, never pathed: a name is a plain file name inside the rules folder.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { listRuleFiles, loadRules, previewRules, ruleSetOf, RulesError } from '../../triage/index.ts';
import { latestTriageSamples } from '../../storage/triage-samples.ts';
import type { SlaPolicy } from '../../support/sla.ts';
import { AppError } from '../../domain/errors.ts';
import { errorResponses } from '../schemas.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';

const ADMIN = { roles: [] as const };
const PREVIEW_SIZE = 500;
const FILE_NAME = '^[a-z0-9][a-z0-9_-]{0,60}\\.ya?ml$';
const MAX_SOURCE = 200_000;

const RuleFile = Type.Object({ name: Type.String(), source: Type.String() });
const Name = Type.Object({
  name: Type.String({ pattern: FILE_NAME, description: 'a rule file name such as 20-categories.yaml' }),
});
const Candidate = Type.Object(
  { name: Type.String({ pattern: FILE_NAME }), source: Type.String({ maxLength: MAX_SOURCE }) },
  { additionalProperties: false },
);
const Source = Type.Object({ source: Type.String({ maxLength: MAX_SOURCE }) }, { additionalProperties: false });
const Decision = Type.Object({
  actionable: Type.Boolean(),
  category: Type.String(),
  priority: Type.String(),
  queue: Type.Union([Type.String(), Type.Null()]),
  ignored: Type.Boolean(),
});
const Preview = Type.Object({
  checked: Type.Integer({ description: `the latest stored mentions, at most ${PREVIEW_SIZE}` }),
  changed: Type.Integer(),
  summary: Type.Record(Type.String(), Type.Integer()),
  examples: Type.Array(
    Type.Object({
      mention_id: Type.Integer(),
      text: Type.String(),
      before: Decision,
      after: Decision,
      rules: Type.Array(Type.String()),
    }),
  ),
});
const Invalid = Type.Object({
  error: Type.String(),
  message: Type.String(),
  file: Type.String(),
  line: Type.Integer(),
});
const Weekday = Type.Union(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => Type.Literal(d)));
const Sla = Type.Object({
  file: Type.String(),
  time_zone: Type.String(),
  weekdays: Type.Array(Weekday),
  hours: Type.String({ description: 'business hours, HH:MM-HH:MM local time' }),
  holidays: Type.Array(Type.String({ description: 'YYYY-MM-DD' })),
  targets: Type.Record(
    Type.String(),
    Type.Object({ first_response_minutes: Type.Number(), resolution_minutes: Type.Number() }),
  ),
  near_breach: Type.Number(),
});
const doc = (summary: string) => ({ tags: ['rules'], summary, security: [{ bearer: [] }] });
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

export interface RuleRoutesOptions {
  db: Db;
  rulesDir: string;
  /** The SLA policy file (EARSHOT_SLA_FILE or rules/sla/sla.yaml) and the policy read from it at start. */
  slaFile: string;
  slaPolicy: SlaPolicy;
}

export default async function ruleRoutes(app: RouteApp, deps: RuleRoutesOptions): Promise<void> {
  const dir = deps.rulesDir;

  /** The rule set with one file replaced by the candidate text; a RulesError says file:line. */
  async function candidateSet(name: string, source: string) {
    const names = [...new Set([...(await listRuleFiles(dir)), name])].sort();
    const files = await Promise.all(
      names.map(async (n) => ({
        file: join(dir, n),
        source: n === name ? source : await readFile(join(dir, n), 'utf8'),
      })),
    );
    return ruleSetOf(files);
  }

  /** A RulesError becomes the 422 naming file and line; any other error goes on as it is. */
  const refusal = (err: unknown): unknown => {
    if (!(err instanceof RulesError)) return err;
    // Messages name the file as the admin knows it, not by its path on the server.
    return new AppError('unprocessable', err.message.replaceAll(`${dir}/`, ''), {
      details: { file: err.file.slice(dir.length + 1), line: err.line },
    });
  };

  app.get(
    '/api/rules',
    {
      config: ADMIN,
      schema: {
        ...doc('The triage rule files, in the order they apply'),
        response: { 200: Type.Object({ files: Type.Array(RuleFile) }), ...errorResponses },
      },
    },
    async () => ({
      files: await Promise.all(
        (await listRuleFiles(dir)).map(async (name) => ({ name, source: await readFile(join(dir, name), 'utf8') })),
      ),
    }),
  );

  app.post(
    '/api/rules/preview',
    {
      config: ADMIN,
      schema: {
        ...doc(
          `Validate a changed rule file and show what it would have decided on the latest ${PREVIEW_SIZE} mentions`,
        ),
        body: Candidate,
        response: { 200: Preview, 422: Invalid, ...errorResponses },
      },
    },
    async (req) => {
      let candidate;
      try {
        candidate = await candidateSet(req.body.name, req.body.source);
      } catch (err) {
        throw refusal(err);
      }
      const current = await loadRules(dir);
      return previewRules(await latestTriageSamples(deps.db, PREVIEW_SIZE), current, candidate);
    },
  );

  app.put(
    '/api/rules/:name',
    {
      config: ADMIN,
      schema: {
        ...doc('Save a rule file after validating the whole set; workers reload it'),
        params: Name,
        body: Source,
        response: { 200: RuleFile, 422: Invalid, ...errorResponses },
      },
    },
    async (req) => {
      try {
        await candidateSet(req.params.name, req.body.source);
      } catch (err) {
        throw refusal(err);
      }
      const target = join(dir, req.params.name);
      const temp = `${target}.${process.pid}.tmp`;
      try {
        await writeFile(temp, req.body.source, 'utf8');
        await rename(temp, target);
      } catch (err) {
        throw new AppError(
          'conflict',
          `could not write ${req.params.name} in the rules folder (${(err as NodeJS.ErrnoException).code ?? 'error'}): ` +
            `check that the earshot process may write to ${dir}`,
        );
      }
      req.log.info({ file: req.params.name, by: req.principal?.name }, 'rule file saved from the API');
      return { name: req.params.name, source: req.body.source };
    },
  );

  app.get(
    '/api/sla',
    {
      config: ADMIN,
      schema: {
        ...doc('The SLA calendar (business hours, holidays) and targets in force'),
        response: { 200: Sla, ...errorResponses },
      },
    },
    async () => {
      const file = deps.slaFile;
      const policy = deps.slaPolicy;
      const c = policy.calendar;
      return {
        file,
        time_zone: c.timeZone,
        weekdays: c.weekdays.map((d) => DAYS[d] ?? String(d)),
        hours: `${hhmm(c.startMinute)}-${hhmm(c.endMinute)}`,
        holidays: [...c.holidays].sort(),
        targets: Object.fromEntries(
          Object.entries(policy.targets).map(([p, t]) => [
            p,
            { first_response_minutes: t.firstResponseMs / 60_000, resolution_minutes: t.resolutionMs / 60_000 },
          ]),
        ),
        near_breach: policy.nearBreach,
      };
    },
  );
}
