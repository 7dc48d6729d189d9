// Reading and writing a struct in memory by field path, through a layout, so that observation code
// never hard-codes an offset: `vcpu.read('arch.ctxt.sys_regs[MPIDR_EL1]')`. Works over any memory
// with load/store (the machine's Memory<V> for a concrete or symbolic value domain).

import { fail, type SourceLocation } from '../asm/diagnostics.ts';
import type { AccessBytes } from '../machine/memory.ts';
import type { FieldLocation, Layout, ScalarField } from './layout.ts';

/** What a view needs from memory: the machine's `Memory<V>` has exactly these. */
export interface MemoryAccessor<V> {
  load(address: bigint, bytes: AccessBytes): V;
  store(address: bigint, bytes: AccessBytes, value: V): void;
}

/** A struct of `layout` placed at `base` in `memory`. */
export class StructView<V> {
  constructor(
    readonly layout: Layout,
    readonly struct: string,
    readonly memory: MemoryAccessor<V>,
    readonly base: bigint,
  ) {
    layout.struct(struct);
  }

  /** The address of the field at `path`. */
  address(path: string): bigint {
    return this.base + BigInt(this.layout.locate(this.struct, path).offset);
  }

  /** Loads the scalar or pointer at `path` (its full width: 1 to 16 bytes). */
  read(path: string): V {
    const f = this.scalar(path);
    return this.memory.load(this.base + BigInt(f.offset), f.type.size as AccessBytes);
  }

  /** Stores `value` into the scalar or pointer at `path`. */
  write(path: string, value: V): void {
    const f = this.scalar(path);
    this.memory.store(this.base + BigInt(f.offset), f.type.size as AccessBytes, value);
  }

  /** Every scalar of the struct by path, read in address order: a plain record of named values. */
  readAll(): Map<string, V> {
    const out = new Map<string, V>();
    for (const f of this.layout.scalarFields(this.struct)) out.set(f.path, this.memory.load(this.base + BigInt(f.offset), f.type.size as AccessBytes));
    return out;
  }

  /** The same view over another struct inside this one: `vcpu.at('arch.ctxt')`. */
  at(path: string): StructView<V> {
    const f = this.layout.locate(this.struct, path);
    if (f.type.kind !== 'struct') return notScalar(f, `${this.struct}.${f.path} is not a struct`, this.layout.file);
    return new StructView(this.layout, f.type.name, this.memory, this.base + BigInt(f.offset));
  }

  private scalar(path: string): FieldLocation & { type: ScalarField['type'] } {
    const f = this.layout.locate(this.struct, path);
    if (f.type.kind !== 'scalar' && f.type.kind !== 'pointer') {
      return notScalar(f, `${this.struct}.${f.path} is ${f.type.kind === 'array' ? 'an array' : `struct ${f.type.name}`} of ${f.type.size} bytes; name one of its scalars`, this.layout.file);
    }
    return f as FieldLocation & { type: ScalarField['type'] };
  }
}

function notScalar(f: FieldLocation, message: string, file: string): never {
  const at: SourceLocation = { file, line: 0, col: 0 };
  return fail('HL0811', `${message} (offset ${f.offset})`, { location: at, stack: [] });
}
