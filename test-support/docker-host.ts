/**
 * The address of this host that containers reach, for test services run as host processes (an
 * "external" Kafka or PostgreSQL). Taken from the default bridge's interface, which holds its address
 * as long as the engine runs: the network's IPAM `Gateway` field is empty on a freshly started
 * Debian docker.io 20.10 and must not be the source.
 */
import { execFileSync } from 'node:child_process';

interface BridgeNetwork {
  readonly Options?: Record<string, string>;
  readonly IPAM?: { readonly Config?: { readonly Gateway?: string }[] | null };
}

/** Docker names the default bridge's interface in this option; `docker0` unless dockerd ran with `--bridge`. */
const BRIDGE_NAME_OPTION = 'com.docker.network.bridge.name';

/**
 * The IPv4 address of the interface behind Docker's default `bridge` network, falling back to the
 * network's IPAM gateway when the interface is not on this host's network namespace. Throws, naming
 * what it looked at, when neither gives an address.
 */
export function hostAddressForContainers(inspect: () => string = inspectDefaultBridge, addressOf: (name: string) => string | undefined = interfaceAddress): string {
  const network = (JSON.parse(inspect()) as BridgeNetwork[])[0];
  const interfaceName = network?.Options?.[BRIDGE_NAME_OPTION] ?? 'docker0';
  const fromInterface = addressOf(interfaceName);
  if (fromInterface) return fromInterface;
  const gateway = network?.IPAM?.Config?.find((c) => c.Gateway)?.Gateway;
  if (gateway) return gateway.replace(/\/\d+$/, '');
  throw new Error(
    `no address for containers to reach this host: interface ${interfaceName} (of Docker's default bridge network) has no IPv4 address here, ` +
      `and the network reports no gateway; is the engine at ${process.env.DOCKER_HOST ?? 'the default socket'} running on this machine?`,
  );
}

/**
 * An interface's first IPv4 address, from iproute2: Node's networkInterfaces() leaves out an interface
 * that is not running, as a bridge with no container attached is not.
 */
export function interfaceAddress(name: string): string | undefined {
  try {
    const links = JSON.parse(execFileSync('ip', ['-j', '-4', 'addr', 'show', 'dev', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as {
      addr_info?: { local?: string }[];
    }[];
    return links[0]?.addr_info?.find((a) => a.local)?.local;
  } catch {
    return undefined;
  }
}

function inspectDefaultBridge(): string {
  return execFileSync('docker', ['network', 'inspect', 'bridge'], { encoding: 'utf8', timeout: 60_000 });
}
