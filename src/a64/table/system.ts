import type { EntrySpec } from '../entry.ts';
export const system: EntrySpec[] = [];
