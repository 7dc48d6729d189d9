// Option parsing shared by the commands that assemble (-D NAME[=VALUE], as cpp takes it).

export function parseDefines(defines: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const d of defines) {
    const eq = d.indexOf('=');
    if (eq < 0) result[d] = '1';
    else result[d.slice(0, eq)] = d.slice(eq + 1);
  }
  return result;
}
