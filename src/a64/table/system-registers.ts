// mrs/msr, msr to PSTATE fields, sys and its aliases (tlbi/ic/dc/at). Entries: see ../README.md.

import type { EntrySpec } from '../entry.ts';

export const systemRegisters: EntrySpec[] = [];
