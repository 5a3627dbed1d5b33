import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1';
import { Testing } from 'cdktf';
import { K8sPlatform } from '../platform/k8s/platform';
import { containerSecurityContext, parseUser, podSecurityContext, withStringIds } from '../platform/k8s/security';
import { ServiceSpec, endpoint, externalEndpoint } from '../platform/platform';
import { TEST_NAMESPACE, TEST_STACK, fakeSecret, resourcesOf, synthOnK8s } from '../../test-support/constructs';

const spec: ServiceSpec = {
  name: 'web',
  component: 'dashboard',
  image: 'example/web:1',
  user: '1000',
  ports: [{ name: 'http', containerPort: 8080 }],
  resources: { cpuMillis: 100, memoryMiB: 256 },
};
const selector = (name: string) => ({ 'app.kubernetes.io/name': name, 'leaderboard.stack': TEST_STACK });
const namespaceRef = expect.stringMatching(/^\$\{kubernetes_namespace_v1\.platform_namespace_\w+\.metadata\[0\]\.name\}$/);

describe('K8sPlatform', () => {
  it('creates the namespace, admitting only restricted pods, and denies all ingress in it by default', () => {
    const synthesized = synthOnK8s(() => undefined);
    expect(synthesized).toHaveResourceWithProperties(NamespaceV1, {
      metadata: {
        name: TEST_NAMESPACE,
        labels: {
          'leaderboard.stack': TEST_STACK,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    });
    expect(synthesized).toHaveResourceWithProperties(NetworkPolicyV1, {
      metadata: expect.objectContaining({ name: 'default-deny-ingress', namespace: namespaceRef }),
      spec: { pod_selector: {}, policy_types: ['Ingress'] },
    });
  });

  it('runs a long-running service as a Deployment behind a ClusterIP Service named like it, locked down and probed', () => {
    const synthesized = synthOnK8s((scope, platform) => {
      platform.addService(scope, { ...spec, health: { command: ['true'], retries: 7 } });
    });
    expect(synthesized).toHaveResourceWithProperties(DeploymentV1, {
      metadata: expect.objectContaining({ name: 'web', namespace: namespaceRef }),
      spec: expect.objectContaining({ selector: { match_labels: selector('web') } }),
      wait_for_rollout: true,
    });
    const [deployment] = resourcesOf(synthesized, 'kubernetes_deployment_v1');
    const pod = deployment.spec.template.spec;
    expect(pod.security_context).toEqual({ run_as_user: '1000', run_as_group: '1000', fs_group: '1000', run_as_non_root: true, seccomp_profile: { type: 'RuntimeDefault' } });
    expect(pod.automount_service_account_token).toBe(false);
    expect(pod.enable_service_links).toBe(false);
    expect(pod.container[0].security_context).toEqual(expect.objectContaining({ allow_privilege_escalation: false, capabilities: { drop: ['ALL'] } }));
    expect(pod.container[0].resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '256Mi' } });
    expect(pod.container[0].startup_probe).toEqual(expect.objectContaining({ exec: { command: ['true'] }, failure_threshold: 7 }));
    expect(synthesized).toHaveResourceWithProperties(ServiceV1, {
      metadata: expect.objectContaining({ name: 'web' }),
      spec: { type: 'ClusterIP', selector: selector('web'), port: [{ name: 'http', port: 8080, target_port: 'http', protocol: 'TCP' }] },
    });
  });

  it('keeps data in a StatefulSet with a claim per volume, and runs tasks and batches as Jobs', () => {
    const synthesized = synthOnK8s((scope, platform) => {
      platform.addService(scope, { ...spec, name: 'db', volumes: [{ name: 'data', mountPath: '/data', sizeGiB: 3 }] });
      platform.addService(scope, { ...spec, name: 'setup', ports: [], lifecycle: 'task' });
      platform.addService(scope, { ...spec, name: 'load', ports: [], lifecycle: 'batch' });
    });
    expect(synthesized).toHaveResourceWithProperties(StatefulSetV1, {
      spec: expect.objectContaining({
        service_name: 'db',
        volume_claim_template: [expect.objectContaining({ spec: expect.objectContaining({ resources: { requests: { storage: '3Gi' } } }) })],
      }),
    });
    expect(synthesized).toHaveResourceWithProperties(JobV1, { metadata: expect.objectContaining({ name: 'setup' }), wait_for_completion: true });
    expect(synthesized).toHaveResourceWithProperties(JobV1, { metadata: expect.objectContaining({ name: 'load' }), wait_for_completion: false });
    expect(() => synthOnK8s((scope, platform) => {
      platform.addService(scope, { ...spec, lifecycle: 'task', volumes: [{ name: 'data', mountPath: '/data' }] });
    })).toThrow(/a task cannot keep persistent volumes/);
  });

  it('admits exactly the declared clients, on the endpoint\'s port, and everyone on published ports', () => {
    const synthesized = synthOnK8s((scope, platform) => {
      const db = platform.addService(scope, { ...spec, name: 'db', ports: [{ name: 'sql', containerPort: 5432 }, { name: 'admin', containerPort: 9000 }] });
      const web = platform.addService(scope, {
        ...spec,
        ports: [{ name: 'http', containerPort: 8080, publish: { hostPort: 8080, bindAddress: '127.0.0.1' } }],
        connectsTo: [db.endpoint('sql'), db.endpoint('sql')],
      });
      platform.allowConnections(scope, { name: 'operator', selector: { app: 'operator' } }, [web.endpoint()]);
    });
    const policies = resourcesOf(synthesized, 'kubernetes_network_policy_v1').map((p) => ({ name: p.metadata.name, spec: p.spec }));
    expect(policies).toEqual(expect.arrayContaining([
      {
        name: 'db-from-web',
        spec: {
          pod_selector: { match_labels: selector('db') },
          policy_types: ['Ingress'],
          ingress: [{ from: [{ pod_selector: { match_labels: selector('web') } }], ports: [{ port: '5432', protocol: 'TCP' }] }],
        },
      },
      {
        name: 'web-published',
        spec: { pod_selector: { match_labels: selector('web') }, policy_types: ['Ingress'], ingress: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] },
      },
      {
        name: 'web-from-operator',
        spec: {
          pod_selector: { match_labels: selector('web') },
          policy_types: ['Ingress'],
          ingress: [{ from: [{ pod_selector: { match_labels: { app: 'operator' } } }], ports: [{ port: '8080', protocol: 'TCP' }] }],
        },
      },
    ]));
    expect(policies).toEqual(expect.arrayContaining([
      {
        name: 'web-to-db',
        spec: {
          pod_selector: { match_labels: selector('web') },
          policy_types: ['Egress'],
          egress: [{ to: [{ pod_selector: { match_labels: selector('db') } }], ports: [{ port: '5432', protocol: 'TCP' }] }],
        },
      },
      {
        name: 'operator-to-web',
        spec: {
          pod_selector: { match_labels: { app: 'operator' } },
          policy_types: ['Egress'],
          egress: [{ to: [{ pod_selector: { match_labels: selector('web') } }], ports: [{ port: '8080', protocol: 'TCP' }] }],
        },
      },
    ]));
    // The admin port is declared by no one: no rule admits it; beyond these, the namespace's defaults.
    expect(policies.map((p) => p.name).sort()).toEqual([
      'allow-dns-egress', 'db-from-web', 'default-deny-egress', 'default-deny-ingress', 'operator-to-web', 'web-from-operator', 'web-published', 'web-to-db',
    ]);
  });

  it('denies egress by default except DNS, and lets a client send to an external endpoint\'s port anywhere', () => {
    const synthesized = synthOnK8s((scope, platform) => {
      platform.addService(scope, { ...spec, ports: [], connectsTo: [externalEndpoint('db.example', 6432)] });
    });
    const policies = Object.fromEntries(resourcesOf(synthesized, 'kubernetes_network_policy_v1').map((p) => [p.metadata.name, p.spec]));
    expect(policies['default-deny-egress']).toEqual({ pod_selector: {}, policy_types: ['Egress'] });
    expect(policies['allow-dns-egress']).toEqual({
      pod_selector: {},
      policy_types: ['Egress'],
      egress: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }] }],
    });
    expect(policies['web-to-external']).toEqual({
      pod_selector: { match_labels: selector('web') },
      policy_types: ['Egress'],
      egress: [{ to: [{ ip_block: { cidr: '0.0.0.0/0' } }], ports: [{ port: '6432', protocol: 'TCP' }] }],
    });
  });

  it('lets pods reach the API server where the props say it is', () => {
    const synthesized = synthOnK8s((scope, platform) => {
      platform.allowApiServer(scope, { name: 'controller', selector: { app: 'controller' } });
    }, { apiServer: { cidrs: ['172.18.0.2/32'], ports: [6443] } });
    expect(synthesized).toHaveResourceWithProperties(NetworkPolicyV1, {
      metadata: expect.objectContaining({ name: 'controller-to-api-server' }),
      spec: {
        pod_selector: { match_labels: { app: 'controller' } },
        policy_types: ['Egress'],
        egress: [{ to: [{ ip_block: { cidr: '172.18.0.2/32' } }], ports: [{ port: '6443', protocol: 'TCP' }] }],
      },
    });
  });

  it('refuses a connection to an endpoint that is no service of the stack', () => {
    expect(() => synthOnK8s((scope, platform) => {
      platform.addService(scope, { ...spec, connectsTo: [endpoint('elsewhere', 5432)] });
    })).toThrow("'web' connects to 'elsewhere:5432', which is not a service of this stack");
  });

  it('hands out endpoints by port name, or the only port', () => {
    Testing.synthScope((scope) => {
      const platform = new K8sPlatform(scope, 'platform', { stackName: TEST_STACK, namespace: TEST_NAMESPACE });
      const web = platform.addService(scope, spec);
      expect(web.endpoint().address).toBe('web:8080');
      expect(web.endpoint('http').url('http', '/healthz')).toBe('http://web:8080/healthz');
      expect(() => web.endpoint('grpc')).toThrow("service 'web' has no port 'grpc' (ports: http)");
      const twoPorts = platform.addService(scope, { ...spec, name: 'two', ports: [{ name: 'a', containerPort: 1 }, { name: 'b', containerPort: 2 }] });
      expect(() => twoPorts.endpoint()).toThrow("service 'two' has no port to pick without a name (ports: a, b)");
    });
  });

  it('mounts files from a ConfigMap and fills scratch volumes with an init container', () => {
    const synthesized = synthOnK8s((scope, platform) => {
      platform.addService(scope, {
        ...spec,
        files: [{ path: '/etc/web/run.sh', content: 'echo ${HOME}', executable: true }],
        scratchVolumes: [{ name: 'cache', mountPath: '/cache' }],
        init: { name: 'fill', image: 'example/tools:1', command: ['cp', '/x', '/cache/x'] },
      });
    });
    expect(synthesized).toHaveResourceWithProperties(ConfigMapV1, { metadata: expect.objectContaining({ name: 'web-files' }), data: { '0-run.sh': 'echo $${HOME}' } });
    const pod = resourcesOf(synthesized, 'kubernetes_deployment_v1')[0].spec.template.spec;
    expect(pod.init_container).toEqual([expect.objectContaining({ name: 'fill', image: 'example/tools:1', command: ['cp', '/x', '/cache/x'], volume_mount: [{ name: 'cache', mount_path: '/cache' }] })]);
    expect(pod.container[0].volume_mount).toEqual([
      { name: 'cache', mount_path: '/cache' },
      { name: 'files', mount_path: '/etc/web/run.sh', sub_path: '0-run.sh', read_only: true },
    ]);
    expect(pod.volume).toEqual([
      { name: 'cache', empty_dir: {} },
      { name: 'files', config_map: expect.objectContaining({ items: [{ key: '0-run.sh', path: '0-run.sh', mode: '0755' }] }) },
    ]);
  });

  it('passes secrets by reference only, and keeps generated passwords in a Secret', () => {
    const synthesized = synthOnK8s((scope, platform) => {
      const secret = platform.generatedSecret(scope, 'web-passwords', ['admin']);
      platform.addService(scope, { ...spec, secretEnv: { ADMIN_PASSWORD: secret.ref('admin'), OTHER: fakeSecret('other') } });
    });
    expect(synthesized).toHaveResourceWithProperties(SecretV1, {
      metadata: expect.objectContaining({ name: 'web-passwords' }),
      data: { admin: expect.stringMatching(/^\$\{random_password\.web-passwords-admin\.result\}$/) },
    });
    const env = resourcesOf(synthesized, 'kubernetes_deployment_v1')[0].spec.template.spec.container[0].env;
    expect(env).toEqual([
      { name: 'ADMIN_PASSWORD', value_from: { secret_key_ref: { name: 'web-passwords', key: 'admin' } } },
      { name: 'OTHER', value_from: { secret_key_ref: { name: 'fake', key: 'other' } } },
    ]);
  });
});

describe('security contexts', () => {
  it('run every pod as the numeric non-root user, locked down', () => {
    expect(podSecurityContext('9999')).toEqual({ runAsUser: 9999, runAsGroup: 9999, fsGroup: 9999, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(containerSecurityContext('1000:2000')).toEqual({
      runAsUser: 1000,
      runAsGroup: 2000,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(withStringIds(podSecurityContext('7'))).toEqual(expect.objectContaining({ runAsUser: '7', runAsGroup: '7', fsGroup: '7' }));
  });

  it('refuse root and names', () => {
    expect(() => parseUser('0')).toThrow(/is root/);
    expect(() => parseUser('flink')).toThrow(/must be numeric/);
    expect(() => parseUser('1000:staff')).toThrow(/must be numeric/);
  });
});
