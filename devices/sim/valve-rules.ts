// The valve's own limit on a run, shared by the type definition (the plane checks before sending)
// and the simulator model (the device checks again on receipt). It lives here, not in
// types/irrigation-valve.ts, because that module imports the sim model: keeping the rule in a leaf
// module avoids an import cycle.

export function valveRefusal(
  cmd: { action: string; params: Record<string, unknown> },
  config: { maxRunS: number },
): string | undefined {
  if (cmd.action !== 'open') return undefined;
  const d = cmd.params.durationS;
  return typeof d === 'number' && d > config.maxRunS ? `durationS ${d} exceeds maxRunS ${config.maxRunS}` : undefined;
}
