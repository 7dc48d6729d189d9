// The names a layout file (`variants/<name>/layout.ts`) imports to write C structs in TypeScript.
// src/layout reads layout files with ts-morph and never runs them: these declarations exist so that
// the files type-check and read well in an editor. The reader knows the names, not these bodies.
//
//   import type { u32, u64, u128, Array, Ptr } from '../../src/layout/types.ts';
//   import { offsetof, sizeof } from '../../src/layout/types.ts';
//
//   export const KVM_NR_SPSR = 5;                          // #define KVM_NR_SPSR 5
//   export const enum SysReg { MPIDR_EL1 = 1, CSSELR_EL1, NR_SYS_REGS }   // C enum: 1, 2, 3
//   export interface kvm_regs {                            // struct kvm_regs {
//     regs: user_pt_regs;                                  //   struct user_pt_regs regs;
//     spsr: Array<u64, typeof KVM_NR_SPSR>;                //   u64 spsr[KVM_NR_SPSR];
//     sys_regs: Array<u64, SysReg.NR_SYS_REGS>;            //   u64 sys_regs[NR_SYS_REGS];
//     kvm: Ptr<kvm>;                                       //   struct kvm *kvm;
//   }
//   export const VCPU_SP_EL1 = offsetof<kvm_vcpu>('arch.ctxt.gp_regs.sp_el1');   // DEFINE(...)
//   export const REG_OFFSET = (x: number) => offsetof<kvm_vcpu>(`arch.ctxt.gp_regs.regs.regs[${x}]`);
//
// Every exported constant, arrow function and enum member becomes a `#define` for the assembly.

/** Marks a C scalar type; the string is its C name. */
interface Scalar<Name extends string> {
  readonly __scalar: Name;
}

export type u8 = Scalar<'u8'>;
export type u16 = Scalar<'u16'>;
export type u32 = Scalar<'u32'>;
export type u64 = Scalar<'u64'>;
export type u128 = Scalar<'u128'>;
export type s8 = Scalar<'s8'>;
export type s16 = Scalar<'s16'>;
export type s32 = Scalar<'s32'>;
export type s64 = Scalar<'s64'>;
export type s128 = Scalar<'s128'>;

/** `Array<T, N>` is the C array `T name[N]`; N is a literal, `typeof CONST` or an enum member. */
export interface CArray<Element, Length extends number> {
  readonly __element: Element;
  readonly __length: Length;
}
export type { CArray as Array };

/** `Ptr<T>` is the C pointer `T *name` (8 bytes, aligned to 8); `Ptr<void>` for `void *`. */
export interface Ptr<Target> {
  readonly __pointee: Target;
}

// The field paths `offsetof` accepts, as far as the type checker can tell: `a.b[3].c`. The reader
// checks them exactly; this type only gives editor completion and catches typos in `tsc`.
type Depth = [never, 0, 1, 2, 3, 4, 5, 6, 7];
type Suffix<T, D extends number> = [D] extends [never]
  ? string
  : T extends Scalar<string> | Ptr<unknown>
    ? ''
    : T extends CArray<infer E, number>
      ? `[${number}]` | `[${number}]${Suffix<E, D>}`
      : '' | `.${FieldPath<T, D>}`;

/** Every path to a field of struct T (depth-limited to keep the checker fast). */
export type FieldPath<T, D extends number = 8> = [D] extends [never]
  ? string
  : { [K in keyof T & string]: K | `${K}${Suffix<T[K], Depth[D]>}` }[keyof T & string];

function notRunnable(name: string): never {
  throw new Error(`${name}() exists for the type checker only: layout files are read by src/layout, never run`);
}

/** `offsetof(struct T, path)`: the byte offset of the field at `path` inside T. */
export function offsetof<T>(path: FieldPath<T>): number {
  return notRunnable(`offsetof(${path})`);
}

/** `sizeof(T)`: the size of T in bytes, tail padding included. */
export function sizeof<T>(): number {
  return notRunnable('sizeof');
}

/** `_Alignof(T)`: the alignment of T in bytes. */
export function alignof<T>(): number {
  return notRunnable('alignof');
}
