import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { Testing } from 'cdktf';
import versions from '../../versions.json';
import { projectImageRef } from '../images';
import { K8sFlinkSession } from '../k8s/flink-session';
import { K8sTarget } from '../k8s/target';
import { endpoint } from '../platform/platform';

const props = {
  stackName: 'test',
  namespace: 'test-ns',
  kubeconfigPath: '/home/user/.kube/config',
  operatorChart: '/charts/flink-kubernetes-operator',
  operatorImage: 'example/operator:1',
};

describe('K8sTarget', () => {
  it('points the kubernetes and helm providers at the kubeconfig and context', () => {
    const synthesized = Testing.synthScope((scope) => {
      new K8sTarget(scope, 'k8s', { ...props, context: 'kind-test' });
    });
    expect(synthesized).toHaveProviderWithProperties(KubernetesProvider, { config_path: props.kubeconfigPath, config_context: 'kind-test' });
    expect(synthesized).toHaveProviderWithProperties(HelmProvider, { kubernetes: { config_path: props.kubeconfigPath, config_context: 'kind-test' } });
    expect(synthesized).toHaveProvider(RandomProvider);
    expect(Object.keys(JSON.parse(synthesized).terraform.required_providers).sort()).toEqual(['helm', 'kubernetes', 'random']);
  });

  it('names the project images as loaded into the nodes, or under a registry', () => {
    Testing.synthScope((scope) => {
      expect(new K8sTarget(scope, 'local', props).images.flink).toBe(projectImageRef('flink', ''));
      expect(new K8sTarget(scope, 'pushed', { ...props, imageRegistry: 'registry.example.com/team/' }).images.dashboard)
        .toBe(projectImageRef('dashboard', 'registry.example.com/team/'));
    });
  });

  it('makes the Flink session through the operator, at the pinned version, its jar served by the dashboard image', () => {
    Testing.synthScope((scope) => {
      const target = new K8sTarget(scope, 'k8s', props);
      const session = target.createFlinkSession(scope, 'flink', { image: target.images.flink, jobs: [], jobSecretEnv: {}, jobDependencies: [], jobConnections: [] });
      expect(session).toBeInstanceOf(K8sFlinkSession);
      expect(versions.flinkKubernetesOperator).toMatch(/^\d+\.\d+\.\d+$/);
    });
  });

  it('tells the user to forward a port first: its Services are cluster-internal', () => {
    Testing.synthScope((scope) => {
      const target = new K8sTarget(scope, 'k8s', props);
      expect(target.browseUrl(endpoint('dashboard', 8080), 18080)).toBe(
        'http://127.0.0.1:18080/ after: kubectl -n test-ns port-forward svc/dashboard 18080:8080',
      );
    });
  });
});
