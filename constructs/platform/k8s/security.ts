/**
 * The one definition of how every pod of the stack runs: a numeric non-root user, no privilege
 * escalation, no capabilities, the runtime's default seccomp profile. Platform workloads, the Flink
 * pods and the operator's pod all take their security contexts from here, in the Kubernetes API's
 * form (numeric ids); `withStringIds` adapts one to the Terraform provider's schema.
 */

export interface PodSecurityContext {
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly fsGroup: number;
  readonly runAsNonRoot: true;
  readonly seccompProfile: { readonly type: 'RuntimeDefault' };
}

export interface ContainerSecurityContext {
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly runAsNonRoot: true;
  readonly allowPrivilegeEscalation: false;
  readonly capabilities: { readonly drop: string[] };
  readonly seccompProfile: { readonly type: 'RuntimeDefault' };
}

/** `uid[:gid]` as numbers; gid defaults to uid. */
export function parseUser(user: string): { uid: number; gid: number } {
  const [uid, gid] = user.split(':');
  if (!/^\d+$/.test(uid) || (gid !== undefined && !/^\d+$/.test(gid))) {
    throw new Error(`service user '${user}' must be numeric uid[:gid] on Kubernetes (runAsNonRoot needs a numeric uid)`);
  }
  if (Number(uid) === 0) throw new Error(`service user '${user}' is root; every pod runs non-root`);
  return { uid: Number(uid), gid: Number(gid ?? uid) };
}

/** Pod level: the user, volumes owned by its group. */
export function podSecurityContext(user: string): PodSecurityContext {
  const { uid, gid } = parseUser(user);
  return { runAsUser: uid, runAsGroup: gid, fsGroup: gid, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
}

/** Container level: the same user, locked down. */
export function containerSecurityContext(user: string): ContainerSecurityContext {
  const { uid, gid } = parseUser(user);
  return {
    runAsUser: uid,
    runAsGroup: gid,
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

type StringIds<T> = { [K in keyof T]: K extends 'runAsUser' | 'runAsGroup' | 'fsGroup' ? string : T[K] };

/** The provider's schema takes user and group ids as strings. */
export function withStringIds<T extends { runAsUser: number; runAsGroup: number }>(context: T): StringIds<T> {
  const ids = ['runAsUser', 'runAsGroup', 'fsGroup'] as const;
  return Object.fromEntries(
    Object.entries(context).map(([key, value]) => [key, (ids as readonly string[]).includes(key) ? String(value) : value]),
  ) as StringIds<T>;
}
