/**
 * A planted root cause for browser tests: 120 customers, 30 of them X200 owners on firmware 4.1, and
 * 20 of those complaining of a reboot loop in varied words. Large enough that the profile test finds
 * the pair significant and every value shown is held by at least k = 10 customers; the other 10 owners
 * are the at-risk list.
 */
import type { MentionInput } from '../../src/domain/mention.ts';
import { mention } from './runtime.ts';

export const REBOOT_LOOP_TEXTS = [
  'my X200 is stuck in a reboot loop since firmware 4.1, useless',
  'after the 4.1 firmware update my X200 keeps rebooting over and over',
  'X200 reboot loop again after updating to firmware 4.1, please fix',
  'firmware 4.1 bricked my X200, it just reboots endlessly',
  'X200 stuck rebooting after the 4.1 update, cannot use it at all',
  'the new firmware 4.1 put my X200 into a boot loop, so annoyed',
  'X200 keeps restarting in a loop since firmware 4.1 was installed',
  'reboot loop on my X200 after the firmware 4.1 update, terrible',
  'my X200 constantly reboots since the 4.1 firmware, awful',
  'X200 will not stop rebooting after firmware 4.1, really bad',
];

export interface PlantedCustomer {
  customer_id: string;
  name: string;
  handles: { handle: string }[];
  attributes: Record<string, string>;
}

/** `id(i)` and `handle(i)` name customer i; the ids and handles differ per test so worlds never meet. */
export function plantedRebootLoop(
  id: (i: number) => string,
  handle: (i: number) => string,
): { customers: PlantedCustomer[]; mentions: MentionInput[] } {
  const customers = Array.from({ length: 120 }, (_, i) => ({
    customer_id: id(i),
    name: `Customer ${i}`,
    handles: [{ handle: handle(i) }],
    attributes:
      i < 30
        ? { model: 'X200', firmware: '4.1', plan: i % 2 ? 'pro' : 'basic' }
        : { model: i % 2 ? 'X100' : 'X300', firmware: i % 3 ? '3.9' : '4.0', plan: i % 2 ? 'basic' : 'pro' },
  }));
  // The ten texts, the second time round with a follow-up.
  const mentions = Array.from({ length: 20 }, (_, i) =>
    mention({
      source: 'twitter',
      author: { handle: handle(i) },
      text: `${REBOOT_LOOP_TEXTS[i % REBOOT_LOOP_TEXTS.length]}${i >= REBOOT_LOOP_TEXTS.length ? ', still broken today' : ''}`,
    }),
  );
  return { customers, mentions };
}
