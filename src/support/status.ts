/** The case lifecycle as data: which status may follow which. Pure, so the rules are tested alone. */

export const STATUSES = ['new', 'assigned', 'waiting', 'resolved', 'reopened'] as const;
export type CaseStatus = (typeof STATUSES)[number];

/**
 * new → assigned → waiting (on the customer) → resolved → reopened. An agent may resolve from any
 * open state and hand a case back to the queue ('new'); only a resolved case can be reopened.
 */
const NEXT: Record<CaseStatus, readonly CaseStatus[]> = {
  new: ['assigned', 'waiting', 'resolved'],
  assigned: ['new', 'waiting', 'resolved'],
  waiting: ['assigned', 'new', 'resolved'],
  resolved: ['reopened'],
  reopened: ['assigned', 'new', 'waiting', 'resolved'],
};

export function isStatus(s: string): s is CaseStatus {
  return (STATUSES as readonly string[]).includes(s);
}

/** null when allowed, else why not (the API answers 409 with it). */
export function transitionProblem(from: string, to: CaseStatus): string | null {
  if (!isStatus(from)) return `case has unknown status "${from}"`;
  if (from === to) return `case is already ${to}`;
  return NEXT[from].includes(to) ? null : `a ${from} case cannot become ${to} (allowed: ${NEXT[from].join(', ')})`;
}
