import { execFileSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { hostAddressForContainers, interfaceAddress } from '../docker-host';
import { dockerEngineCheck } from '../deploy-checks';
import { Check, describeWith } from '../prerequisites';

/** `docker network inspect bridge` as Debian's docker.io 20.10 prints it right after a fresh boot: no Gateway. */
const freshBoot = (bridge: string): string =>
  JSON.stringify([{ Name: 'bridge', IPAM: { Driver: 'default', Config: [{ Subnet: '172.17.0.0/16' }] }, Options: { 'com.docker.network.bridge.name': bridge } }]);

describe('hostAddressForContainers', () => {
  it('takes the bridge interface\'s address when the network reports no gateway', () => {
    // The loopback interface stands in for a bridge: any interface of this host serves the same way.
    expect(hostAddressForContainers(() => freshBoot('lo'))).toBe('127.0.0.1');
  });

  it('falls back to the gateway when the interface is not on this host', () => {
    const inspect = JSON.stringify([{ IPAM: { Config: [{ Subnet: '172.30.0.0/16', Gateway: '172.30.0.1' }] }, Options: { 'com.docker.network.bridge.name': 'nosuchbr0' } }]);
    expect(hostAddressForContainers(() => inspect)).toBe('172.30.0.1');
  });

  it('fails naming the interface when neither gives an address, never with an empty string', () => {
    expect(() => hostAddressForContainers(() => freshBoot('nosuchbr0'))).toThrow(/interface nosuchbr0 .* has no IPv4 address here/);
  });
});

const root: Check = () => (process.getuid?.() === 0 ? undefined : 'making a network interface needs root');

describeWith([root])('interfaceAddress', () => {
  it('reads an interface that is down, as a bridge with no container is (Node\'s networkInterfaces() leaves it out)', () => {
    const name = `lbt${process.pid % 100000}`;
    execFileSync('ip', ['link', 'add', name, 'type', 'bridge']);
    try {
      execFileSync('ip', ['addr', 'add', '198.18.77.1/32', 'dev', name]);
      expect(networkInterfaces()[name]).toBeUndefined();
      expect(interfaceAddress(name)).toBe('198.18.77.1');
      expect(hostAddressForContainers(() => freshBoot(name))).toBe('198.18.77.1');
    } finally {
      execFileSync('ip', ['link', 'delete', name]);
    }
  });
});

describeWith([dockerEngineCheck])('hostAddressForContainers on this engine', () => {
  it('is an IPv4 address of one of this host\'s interfaces, running or not', () => {
    const address = hostAddressForContainers();
    expect(execFileSync('ip', ['-4', '-o', 'addr', 'show'], { encoding: 'utf8' })).toContain(` ${address}/`);
  });
});
