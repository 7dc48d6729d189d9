#!/usr/bin/python3
# Unicorn 2 side of scripts/bench: runs the same bytes hyplab runs, at EL1 (Unicorn's default state),
# from `entry` until the sentinel `brk` at `sentinel`, and reports the time of each run and the general
# registers after the first run (from Unicorn's reset state), so that the caller can check that both
# engines did the same work.
#
# Unicorn never delivers exceptions to a vector table: `brk` calls the INTR hook, which stops the run.
# 2.0.1 also overruns emu_start's `until` after msr+isb, so the sentinel, not `until`, ends the run.
#
# Usage: unicorn-bench.py CODE.bin BASE ENTRY SENTINEL RUNS   (addresses in hex)
# Prints one JSON object: {"version", "seconds": [CPU seconds per run], "x": [x0..x30 hex], "sp": hex}.

import json
import sys
import time

from unicorn import Uc, UC_ARCH_ARM64, UC_MODE_ARM, UC_HOOK_INTR, __version__
from unicorn.arm64_const import UC_ARM64_REG_X0, UC_ARM64_REG_X29, UC_ARM64_REG_X30, UC_ARM64_REG_SP, UC_ARM64_REG_PC

BRK_INTNO = 7
MAP_SIZE = 2 << 20  # the program and its stack (the same 2 MiB hyplab maps)


def general_register(n):
    # X0..X28 are consecutive in arm64_const; X29 and X30 are not.
    return {29: UC_ARM64_REG_X29, 30: UC_ARM64_REG_X30}.get(n, UC_ARM64_REG_X0 + n)


def main():
    path, base, entry, sentinel, runs = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16), int(sys.argv[4], 16), int(sys.argv[5])
    code = open(path, 'rb').read()
    uc = Uc(UC_ARCH_ARM64, UC_MODE_ARM)
    uc.mem_map(base, MAP_SIZE)
    stops = []

    def on_interrupt(uc, intno, _data):
        stops.append((intno, uc.reg_read(UC_ARM64_REG_PC)))
        uc.emu_stop()

    uc.hook_add(UC_HOOK_INTR, on_interrupt)
    seconds = []
    first = None
    for _ in range(runs):
        uc.mem_write(base, code)  # same bytes each run (the stack area is rewritten by the program)
        for n in range(31):
            uc.reg_write(general_register(n), 0)
        uc.reg_write(UC_ARM64_REG_SP, 0)
        start = time.process_time()  # CPU time: a busy machine distorts it less than wall time
        uc.emu_start(entry, sentinel + 4)
        seconds.append(time.process_time() - start)
        # Later runs start from the system registers and stack the previous run left: compare the first.
        if first is None:
            first = {'x': [hex(uc.reg_read(general_register(n))) for n in range(31)], 'sp': hex(uc.reg_read(UC_ARM64_REG_SP))}
    # Unicorn reports the PC after the brk (it does not take the exception).
    if any(intno != BRK_INTNO or pc not in (sentinel, sentinel + 4) for intno, pc in stops) or len(stops) != runs:
        print(json.dumps({'error': f'runs ended with (intno, pc) {stops}, expected the brk ({BRK_INTNO}) at {sentinel:#x} each time'}))
        sys.exit(1)
    print(json.dumps({
        'version': __version__,
        'seconds': seconds,
        **first,
    }))


main()
