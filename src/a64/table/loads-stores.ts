// Loads and stores (ldr/str/ldp/stp/... in every addressing mode). Entries: see ../README.md.

import type { EntrySpec } from '../entry.ts';

export const loadsStores: EntrySpec[] = [];
