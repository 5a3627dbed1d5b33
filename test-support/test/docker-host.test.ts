import { networkInterfaces } from 'node:os';
import { hostAddressForContainers } from '../docker-host';
import { dockerEngineCheck } from '../deploy-checks';
import { describeWith } from '../prerequisites';

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

describeWith([dockerEngineCheck])('hostAddressForContainers on this engine', () => {
  it('is an IPv4 address of one of this host\'s interfaces', () => {
    const address = hostAddressForContainers();
    const local = Object.values(networkInterfaces()).flatMap((list) => list ?? []).map((a) => a.address);
    expect(local).toContain(address);
  });
});
