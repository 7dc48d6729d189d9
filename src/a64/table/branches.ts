import type { EntrySpec } from '../entry.ts';
export const branches: EntrySpec[] = [];
