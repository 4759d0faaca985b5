/** One line of figures per fault test, so a run's output can be pasted into the closing table. */
export interface FaultFigures {
  expected: number;
  seen: number;
  lost: number;
  duplicated: number;
  /** Seconds from the fault's end until everything was processed (null when not measured). */
  recoveryS?: number | null;
}

export function printFigures(fault: string, f: FaultFigures): void {
  const recovery = f.recoveryS == null ? '-' : f.recoveryS.toFixed(1);
  console.log(
    `[fault] ${fault}: expected ${f.expected} / seen ${f.seen} / lost ${f.lost} / duplicated ${f.duplicated} / recovery ${recovery} s`,
  );
}
