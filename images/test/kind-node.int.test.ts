/**
 * The kind node image the set-up obtained (offline: scripts/offline/kind-toolchain.sh's build), in a
 * cluster of its own made with the set-up's kind: a Ready node, CoreDNS, Services through kube-proxy,
 * the default StorageClass for a non-root pod, images loaded with `kind load`, the host reaching a
 * Service through the node, NetworkPolicies enforced, and nothing left once the cluster is deleted.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import versions from '../../versions.json';
import { KindCluster, kindCheck, kindTools } from '../../test-support/kind';
import { describeWith } from '../../test-support/prerequisites';

// The offline Debian base image: bash, getent and perl are enough for a server and a client.
const image = `leaderboard-standin/debian:${versions.debianSuite}`;
const namespace = `k8s-fixture-${randomBytes(3).toString('hex')}`;

// A one-line HTTP server in perl-base (part of Debian's minimal base).
const server = `use IO::Socket::INET;
my $s = IO::Socket::INET->new(LocalPort => 8080, Listen => 16, ReuseAddr => 1) or die $!;
while (my $c = $s->accept) { <$c>; print $c "HTTP/1.0 200 OK\\r\\n\\r\\nhello from $ENV{HOSTNAME}\\n"; close $c }`;

// The client: DNS, the Service through kube-proxy, and the claimed volume, as a non-root user.
const client = `set -eu
id
getent hosts kubernetes.default.svc.cluster.local
(exec 3<>/dev/tcp/kubernetes.default.svc.cluster.local/443) && echo apiserver-reachable
fetch() { exec 3<>/dev/tcp/web.${namespace}.svc.cluster.local/80 && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3; }
# kube-proxy programs a new Service within a second or two.
for i in $(seq 1 30); do if reply=$(fetch 2>/dev/null); then break; fi; sleep 1; done
echo "$reply"
echo written-by-$(id -u) > /data/probe
ls -ln /data/probe
cat /data/probe`;

const webAndService = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: ${namespace}, labels: {app: web}}
spec:
  # perl as PID 1 ignores SIGTERM; the namespace goes away at the end without the 30 s wait.
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: ${image}
    imagePullPolicy: Never
    command: [perl, -e, ${JSON.stringify(server)}]
    ports: [{containerPort: 8080}]
    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${namespace}}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

const claimAndClient = `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: ${namespace}}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: ${namespace}}
spec:
  restartPolicy: Never
  securityContext: {runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, runAsNonRoot: true}
  containers:
  - name: client
    image: ${image}
    imagePullPolicy: Never
    command: [bash, -c, ${JSON.stringify(client)}]
    volumeMounts: [{name: data, mountPath: /data}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
`;

const clusterName = `leaderboard-fixture-${randomBytes(2).toString('hex')}`;
const nodeContainers = (): string =>
  execFileSync('docker', ['ps', '-aq', '--filter', `label=io.x-k8s.kind.cluster=${clusterName}`], { encoding: 'utf8' }).trim();

describeWith([kindCheck])('a kind cluster of the set-up\'s node image', () => {
  let cluster: KindCluster | undefined;
  let clientLog: string;
  const kubectl = (args: string[], input?: string): Promise<string> => cluster!.kubectl(args, input);

  beforeAll(async () => {
    cluster = await KindCluster.create(clusterName);
    await cluster.load([image]);
    await kubectl(['create', 'namespace', namespace]);
    // Pods are refused until the namespace's default ServiceAccount exists.
    await kubectl(['-n', namespace, 'wait', '--for=create', 'serviceaccount/default', '--timeout=60s']);
    await kubectl(['apply', '-f', '-'], webAndService);
    await kubectl(['-n', namespace, 'wait', '--for=condition=Ready', 'pod/web', '--timeout=120s']);
    await kubectl(['apply', '-f', '-'], claimAndClient);
    await kubectl(['-n', namespace, 'wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/client', '--timeout=120s']).catch(async (error: Error) => {
      const describe = await kubectl(['-n', namespace, 'describe', 'pod/client']).catch(() => '');
      const log = await kubectl(['-n', namespace, 'logs', 'pod/client']).catch(() => '');
      throw new Error(`${error.message}\n${describe}\n${log}`);
    });
    clientLog = await kubectl(['-n', namespace, 'logs', 'pod/client']);
  }, 10 * 60_000);

  afterAll(async () => {
    if (nodeContainers() !== '') await cluster?.delete().catch(() => undefined);
  }, 5 * 60_000);

  it('has a Ready node running the pinned Kubernetes version (kind\'s own with its official image)', async () => {
    const nodes = JSON.parse(await kubectl(['get', 'nodes', '-o', 'json'])) as {
      items: { status: { nodeInfo: { kubeletVersion: string }; conditions: { type: string; status: string }[] } }[];
    };
    expect(nodes.items).toHaveLength(1);
    if (kindTools()?.nodeImage) expect(nodes.items[0].status.nodeInfo.kubeletVersion).toBe(`v${versions.kubernetes}`);
    expect(nodes.items[0].status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('resolves cluster names through CoreDNS', () => {
    expect(clientLog).toMatch(/^10\.96\.0\.1\s+kubernetes\.default\.svc\.cluster\.local$/m);
  });

  it('lets pods reach the apiserver through the kubernetes Service (operators need it)', () => {
    expect(clientLog).toMatch(/^apiserver-reachable$/m);
  });

  it('routes a ClusterIP Service to a pod running an imported image', () => {
    expect(clientLog).toMatch(/^hello from web$/m);
  });

  it('binds a claim on the default StorageClass that a non-root pod with fsGroup can write', async () => {
    expect(clientLog).toMatch(/^uid=1000 gid=1000 groups=1000/m);
    expect(clientLog).toMatch(/^-\S+ 1 1000 1000 .* \/data\/probe$/m);
    expect(clientLog).toMatch(/^written-by-1000$/m);
    const phase = await kubectl(['-n', namespace, 'get', 'pvc', 'data', '-o', 'jsonpath={.status.phase}']);
    expect(phase).toBe('Bound');
    const classes = JSON.parse(await kubectl(['get', 'storageclass', '-o', 'json'])) as {
      items: { metadata: { annotations?: Record<string, string> }; volumeBindingMode: string; reclaimPolicy: string }[];
    };
    const defaults = classes.items.filter((c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
    expect(defaults).toHaveLength(1);
    expect(defaults[0]).toMatchObject({ volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete' });
  });

  it('lets this host reach a Service through the node (how the deploy suites read Kafka and PostgreSQL)', async () => {
    const undo = cluster!.routeFromHost();
    try {
      const ip = (await kubectl(['-n', namespace, 'get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
      const reply = execFileSync('bash', ['-c', `exec 3<>/dev/tcp/${ip}/80 && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3`], { encoding: 'utf8', timeout: 30_000 });
      const route = execFileSync('ip', ['route', 'get', ip], { encoding: 'utf8' }).trim();
      expect({ reply, route }).toEqual({ reply: expect.stringContaining('hello from web'), route: expect.stringContaining(`via ${cluster!.nodeIp()}`) });
    } finally {
      undo();
    }
  });

  it('enforces NetworkPolicies: a pod the policies do not admit is refused, an admitted one reaches', async () => {
    const prober = `apiVersion: v1
kind: Pod
metadata: {name: prober, namespace: ${namespace}, labels: {app: prober}}
spec:
  terminationGracePeriodSeconds: 1
  containers: [{name: prober, image: ${image}, imagePullPolicy: Never, command: [sleep, '600']}]
`;
    await kubectl(['apply', '-f', '-'], prober);
    await kubectl(['-n', namespace, 'wait', '--for=condition=Ready', 'pod/prober', '--timeout=120s']);
    const reach = async (): Promise<string> =>
      (await kubectl(['-n', namespace, 'exec', 'prober', '--', 'bash', '-c', `timeout 4 bash -c 'exec 3<>/dev/tcp/web.${namespace}.svc.cluster.local/80' 2>/dev/null && echo open || echo blocked`])).trim();
    const until = async (want: string): Promise<string> => {
      let seen = '';
      for (let i = 0; i < 15 && seen !== want; i++) {
        seen = await reach();
        if (seen !== want) await new Promise((r) => setTimeout(r, 2000));
      }
      return seen;
    };
    expect(await reach()).toBe('open');
    const policy = (name: string, ingress: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${namespace}}
spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress]${ingress}}
`;
    await kubectl(['apply', '-f', '-'], policy('deny-web', ''));
    expect(await until('blocked')).toBe('blocked');
    await kubectl(['apply', '-f', '-'], policy('web-from-prober', ', ingress: [{from: [{podSelector: {matchLabels: {app: prober}}}], ports: [{port: 8080}]}]'));
    expect(await until('open')).toBe('open');
  }, 5 * 60_000);

  it('leaves no node container behind once deleted', async () => {
    await cluster!.delete();
    expect(nodeContainers()).toBe('');
  }, 5 * 60_000);
});
