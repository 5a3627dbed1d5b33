/** How `npm test` and its tier scripts hand their arguments to jest. */

/**
 * `--tier NAME` (the test:integration and test:deploy scripts) selects the jest project, placed after
 * the user's arguments: jest's --selectProjects takes every value that follows it, a path included.
 */
export function jestArguments(args: readonly string[]): string[] {
  const at = args.indexOf('--tier');
  if (at < 0) return [...args];
  return [...args.slice(0, at), ...args.slice(at + 2), '--selectProjects', args[at + 1]];
}
