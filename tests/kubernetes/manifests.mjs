// Checks of the manifests that `kubectl kustomize` renders from deploy/kubernetes. Each command reads
// one rendered file, prints what is wrong and exits 1, or exits 0 when nothing is:
//   schema FILE                  every object against the Kubernetes and prometheus-operator schemas
//   wiring FILE                  ServiceMonitor -> Service -> pods, NetworkPolicy, Secret, hardening
//   tenants FILE TENANT...       each tenant's exporter labels its series tenant="TENANT" (Cirrus__Tenant), no relabelling
//   dashboards FILE DIR          one sidecar ConfigMap per DIR/*.json, holding it byte for byte
//   rules FILE DIR OUT           the PrometheusRules' groups equal DIR/*.yml; written to OUT/<name>.yml
//   env FILE OUT                 each Deployment's environment as OUT/<deployment>.env (KEY=VALUE lines)
//   kps FILE RELEASE             kube-prometheus-stack's selectors: release label, dashboard label, AlertmanagerConfig
//   defects FILE RELEASE         plants one defect per check and expects each check to report it
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parse, parseAllDocuments, stringify } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));

function load(file) {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
    return doc.toJS();
  });
}

const id = (o) => `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
const ofKind = (objects, kind) => objects.filter((o) => o.kind === kind);
const sameNamespace = (a, b) => (a.metadata?.namespace ?? '') === (b.metadata?.namespace ?? '');

// --- schemas -------------------------------------------------------------------------------------

/** The module that models apiVersion, from kubernetes-models or its prometheus-operator package. */
function modelModule(apiVersion) {
  if (apiVersion.startsWith('monitoring.coreos.com/')) return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

/**
 * Each object against its model's JSON schema (types, required fields, patterns), then as a typed
 * TypeScript literal through tsc, whose excess-property check rejects fields the schema does not
 * know (the JSON schemas allow them; a real API server refuses them).
 */
async function schema(objects) {
  const errors = [];
  const typed = [];
  for (const [i, o] of objects.entries()) {
    let model;
    try {
      model = (await import(modelModule(o.apiVersion)))[o.kind];
    } catch {
      model = undefined;
    }
    if (!model) {
      errors.push(`${id(o)}: no schema for ${o.apiVersion} ${o.kind}`);
      continue;
    }
    try {
      new model(o).validate();
    } catch (e) {
      errors.push(`${id(o)}: ${e.message}`);
    }
    typed.push({ i, o });
  }
  errors.push(...typecheck(typed));
  return errors;
}

function typecheck(typed) {
  if (!typed.length) return [];
  const dir = mkdtempSync(join(here, '.typecheck-'));
  try {
    for (const { i, o } of typed) {
      writeFileSync(
        join(dir, `o${i}.ts`),
        `import type { I${o.kind} } from '${modelModule(o.apiVersion)}/${o.kind}';\n` +
          `export const o: I${o.kind} = ${JSON.stringify(o, null, 2)};\n`,
      );
    }
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: true, types: [] },
        files: typed.map(({ i }) => `o${i}.ts`),
      }),
    );
    const tsc = spawnSync(join(here, 'node_modules', '.bin', 'tsc'), ['-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { encoding: 'utf8' });
    if (tsc.error) return [`tsc: ${tsc.error.message}`];
    if (tsc.status === 0) return [];
    const byFile = new Map(typed.map(({ i, o }) => [`o${i}.ts`, o]));
    const lines = `${tsc.stdout}${tsc.stderr}`.split('\n').filter((l) => l.trim());
    const errors = lines.map((line) => {
      const m = /(o\d+\.ts)\(\d+,\d+\): (.*)$/.exec(line);
      return m && byFile.has(m[1]) ? `${id(byFile.get(m[1]))}: ${m[2]}` : line;
    });
    return errors.length ? errors : [`tsc exited ${tsc.status} without output`];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- selectors and wiring -------------------------------------------------------------------------

/** Whether a label selector (matchLabels and matchExpressions) selects a set of labels. */
function selects(selector, labels = {}) {
  if (!selector) return false;
  const { matchLabels = {}, matchExpressions = [] } = selector;
  if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) return false;
  return matchExpressions.every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In': return key in labels && values.includes(labels[key]);
      case 'NotIn': return !(key in labels) || !values.includes(labels[key]);
      case 'Exists': return key in labels;
      case 'DoesNotExist': return !(key in labels);
      default: return false;
    }
  });
}

const podLabels = (deployment) => deployment.spec?.template?.metadata?.labels ?? {};
const containers = (deployment) => deployment.spec?.template?.spec?.containers ?? [];
const containerPort = (deployment, port) =>
  containers(deployment).flatMap((c) => c.ports ?? []).find((p) => p.name === port || p.containerPort === port);

/** The Prometheus pods the NetworkPolicy is meant to admit, as the Prometheus Operator labels them. */
const prometheusPod = { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'k8s', prometheus: 'k8s' };

function wiring(objects) {
  const errors = [];
  const services = ofKind(objects, 'Service');
  const deployments = ofKind(objects, 'Deployment');
  const monitors = ofKind(objects, 'ServiceMonitor');
  if (!deployments.length) errors.push('no Deployment rendered');

  // Each ServiceMonitor selects exactly one Service of its namespace, by its labels and port name.
  for (const sm of monitors) {
    const picked = services.filter((s) => sameNamespace(s, sm) && selects(sm.spec?.selector, s.metadata?.labels));
    if (picked.length !== 1) {
      errors.push(`${id(sm)} selects ${picked.length} Services (${picked.map(id).join(', ') || 'none'}), want exactly 1`);
      continue;
    }
    const ports = (picked[0].spec?.ports ?? []).map((p) => p.name);
    for (const ep of sm.spec?.endpoints ?? []) {
      if (!ports.includes(ep.port)) errors.push(`${id(sm)}: endpoint port "${ep.port}" is not a port name of ${id(picked[0])} (${ports.join(', ')})`);
    }
    if (!sm.spec?.endpoints?.length) errors.push(`${id(sm)} has no endpoints`);
  }

  // Each Service selects exactly one Deployment's pods, its targetPort is a container port, and it is
  // scraped by a ServiceMonitor.
  for (const svc of services) {
    const picked = deployments.filter((d) => sameNamespace(d, svc) && selects({ matchLabels: svc.spec?.selector }, podLabels(d)));
    if (picked.length !== 1) {
      errors.push(`${id(svc)} selects the pods of ${picked.length} Deployments (${picked.map(id).join(', ') || 'none'}), want exactly 1`);
      continue;
    }
    for (const p of svc.spec?.ports ?? []) {
      if (!containerPort(picked[0], p.targetPort ?? p.port)) errors.push(`${id(svc)}: targetPort ${p.targetPort} is not a container port of ${id(picked[0])}`);
    }
    if (!monitors.some((sm) => sameNamespace(sm, svc) && selects(sm.spec?.selector, svc.metadata?.labels))) {
      errors.push(`${id(svc)} is selected by no ServiceMonitor`);
    }
  }

  for (const d of deployments) {
    errors.push(...deploymentChecks(d, objects));
    errors.push(...networkPolicyChecks(d, ofKind(objects, 'NetworkPolicy').filter((np) => sameNamespace(np, d))));
  }
  return errors;
}

/** The hardening of the README's Kubernetes section, the token file from a Secret, one replica. */
function deploymentChecks(d, objects) {
  const errors = [];
  const spec = d.spec?.template?.spec ?? {};
  if (d.spec?.replicas !== 1) errors.push(...haChecks(d, objects));
  if (spec.securityContext?.runAsNonRoot !== true) errors.push(`${id(d)}: pod securityContext.runAsNonRoot is not true`);
  for (const c of containers(d)) {
    const sc = c.securityContext ?? {};
    if (sc.readOnlyRootFilesystem !== true) errors.push(`${id(d)} ${c.name}: readOnlyRootFilesystem is not true`);
    if (sc.allowPrivilegeEscalation !== false) errors.push(`${id(d)} ${c.name}: allowPrivilegeEscalation is not false`);
    if (!sc.capabilities?.drop?.includes('ALL')) errors.push(`${id(d)} ${c.name}: capabilities do not drop ALL`);
    if (!c.resources?.limits?.memory) errors.push(`${id(d)} ${c.name}: no memory limit`);
    if (mebibytes(c.resources?.requests?.memory) > mebibytes(c.resources?.limits?.memory)) errors.push(`${id(d)} ${c.name}: memory request above the limit`);
    if (c.livenessProbe?.httpGet?.path !== '/healthz') errors.push(`${id(d)} ${c.name}: livenessProbe is not GET /healthz`);
    if (c.readinessProbe?.httpGet?.path !== '/readyz') errors.push(`${id(d)} ${c.name}: readinessProbe is not GET /readyz`);

    // Cirrus__ApiTokenFile names the "token" key of a Secret volume, mounted read-only.
    const tokenFile = (c.env ?? []).find((e) => e.name === 'Cirrus__ApiTokenFile')?.value;
    if ((c.env ?? []).some((e) => e.name === 'Cirrus__ApiToken')) errors.push(`${id(d)} ${c.name}: the token is in the environment`);
    if (!tokenFile) {
      errors.push(`${id(d)} ${c.name}: no Cirrus__ApiTokenFile`);
      continue;
    }
    const mount = (c.volumeMounts ?? []).find((m) => tokenFile.startsWith(`${m.mountPath}/`));
    const volume = mount && (spec.volumes ?? []).find((v) => v.name === mount.name);
    const file = mount && tokenFile.slice(mount.mountPath.length + 1);
    const key = volume?.secret && ((volume.secret.items ?? []).find((it) => it.path === file)?.key ?? (volume.secret.items ? undefined : file));
    if (!volume?.secret) errors.push(`${id(d)} ${c.name}: ${tokenFile} is not on a Secret volume`);
    else if (!mount.readOnly) errors.push(`${id(d)} ${c.name}: the token volume is not mounted read-only`);
    else if (key !== 'token') errors.push(`${id(d)} ${c.name}: ${tokenFile} is key "${key}" of the Secret, want "token"`);
    else {
      const secret = ofKind(objects, 'Secret').find((s) => sameNamespace(s, d) && s.metadata?.name === volume.secret.secretName);
      // The base leaves the Secret to the user; where a Secret is rendered it must be the one mounted.
      if (ofKind(objects, 'Secret').length && !secret) errors.push(`${id(d)}: mounts Secret ${volume.secret.secretName}, which is not rendered`);
      if (secret && !('token' in (secret.stringData ?? {})) && !('token' in (secret.data ?? {}))) errors.push(`${id(secret)} has no key "token"`);
    }
    for (const ref of (c.envFrom ?? []).map((e) => e.configMapRef?.name).filter(Boolean)) {
      if (!ofKind(objects, 'ConfigMap').some((cm) => sameNamespace(cm, d) && cm.metadata?.name === ref)) errors.push(`${id(d)}: envFrom ConfigMap ${ref} is not rendered`);
    }
  }
  return errors;
}

/** A memory quantity (Ki, Mi, Gi or bytes) in MiB; NaN when absent. */
function mebibytes(q) {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(q ?? '');
  return m ? Number(m[1]) * (m[2] ? { Ki: 1 / 1024, Mi: 1, Gi: 1024 }[m[2]] : 1 / 2 ** 20) : NaN;
}

/**
 * More than one replica (components/ha) only with what keeps them apart and one of them up: a
 * PodDisruptionBudget for its pods that leaves one, a node spread that refuses two on a node, and
 * rolling replacement one at a time (Recreate would stop both).
 */
function haChecks(d, objects) {
  const errors = [];
  const replicas = d.spec?.replicas;
  if (!Number.isInteger(replicas) || replicas < 2) return [`${id(d)}: replicas ${replicas}, want 1 (one exporter per tenant) or 2 or more with components/ha`];
  const pdbs = ofKind(objects, 'PodDisruptionBudget').filter((p) => sameNamespace(p, d) && selects(p.spec?.selector, podLabels(d)));
  if (pdbs.length !== 1) errors.push(`${id(d)}: ${replicas} replicas and ${pdbs.length} PodDisruptionBudgets selecting its pods, want 1`);
  else if (!(pdbs[0].spec.minAvailable >= 1 || (pdbs[0].spec.maxUnavailable >= 1 && pdbs[0].spec.maxUnavailable < replicas))) errors.push(`${id(pdbs[0])}: does not keep one replica`);
  const spread = (d.spec?.template?.spec?.topologySpreadConstraints ?? []).find((t) => t.topologyKey === 'kubernetes.io/hostname');
  if (!spread || spread.whenUnsatisfiable !== 'DoNotSchedule' || spread.maxSkew !== 1 || !selects(spread.labelSelector, podLabels(d))) errors.push(`${id(d)}: no node spread (kubernetes.io/hostname, maxSkew 1, DoNotSchedule) over its own pods`);
  if (d.spec?.strategy?.type !== 'RollingUpdate' || d.spec.strategy.rollingUpdate?.maxUnavailable !== 1) errors.push(`${id(d)}: strategy is not RollingUpdate one at a time`);
  return errors;
}

/**
 * What kube-prometheus-stack's default selectors need: label release=RELEASE on every ServiceMonitor,
 * PrometheusRule and AlertmanagerConfig, grafana_dashboard "1" on every dashboard ConfigMap, and one
 * AlertmanagerConfig whose routes name only its own receivers and whose secrets come from a Secret.
 */
function kps(objects, release) {
  const errors = [];
  for (const o of objects.filter((o) => ['ServiceMonitor', 'PrometheusRule', 'AlertmanagerConfig'].includes(o.kind))) {
    if (o.metadata?.labels?.release !== release) errors.push(`${id(o)}: label release is '${o.metadata?.labels?.release}', want '${release}'`);
  }
  for (const o of ofKind(objects, 'Deployment')) {
    if (o.metadata?.labels?.release !== undefined) errors.push(`${id(o)}: the release label reaches ${o.kind} too`);
  }
  const dashboards = ofKind(objects, 'ConfigMap').filter((cm) => Object.keys(cm.data ?? {}).some((k) => k.endsWith('.json')));
  if (!dashboards.length) errors.push('no dashboard ConfigMaps');
  for (const cm of dashboards) if (cm.metadata?.labels?.grafana_dashboard !== '1') errors.push(`${id(cm)}: no grafana_dashboard: "1"`);
  const amcs = ofKind(objects, 'AlertmanagerConfig');
  if (amcs.length !== 1) return [...errors, `${amcs.length} AlertmanagerConfigs, want 1`];
  const spec = amcs[0].spec ?? {};
  const names = new Set((spec.receivers ?? []).map((r) => r.name));
  const walk = (route, where) => {
    if (route.receiver && !names.has(route.receiver)) errors.push(`${id(amcs[0])}: ${where} names receiver ${route.receiver}, which it does not define`);
    (route.routes ?? []).forEach((r, i) => walk(r, `${where}.routes[${i}]`));
  };
  walk(spec.route ?? {}, 'route');
  for (const r of spec.receivers ?? []) {
    for (const c of r.pagerdutyConfigs ?? []) if (!c.routingKey?.name || !c.routingKey?.key) errors.push(`${id(amcs[0])}: receiver ${r.name}: routing key not from a Secret`);
  }
  if (!(spec.inhibitRules ?? []).length) errors.push(`${id(amcs[0])}: no inhibit rules`);
  return errors;
}

/** A port of a NetworkPolicy rule matches a container port (by name or number, TCP by default). */
const admitsPort = (d, rulePort) => {
  const p = containerPort(d, rulePort.port);
  return p && (rulePort.protocol ?? 'TCP') === (p.protocol ?? 'TCP');
};

/**
 * Exactly one NetworkPolicy selects the Deployment's pods; it restricts ingress and egress; ingress is
 * admitted only on the metrics port and only from Prometheus pods; egress reaches DNS and HTTPS.
 */
function networkPolicyChecks(d, policies) {
  const errors = [];
  const mine = policies.filter((np) => selects(np.spec?.podSelector, podLabels(d)));
  if (mine.length !== 1) return [`${id(d)}: selected by ${mine.length} NetworkPolicies (${mine.map(id).join(', ') || 'none'}), want exactly 1`];
  const np = mine[0];
  const types = np.spec?.policyTypes ?? [];
  if (!types.includes('Ingress') || !types.includes('Egress')) errors.push(`${id(np)}: policyTypes ${JSON.stringify(types)}, want Ingress and Egress`);

  const metrics = containerPort(d, 'metrics');
  if (!metrics) return [...errors, `${id(d)}: no container port named metrics`];
  const ingress = np.spec?.ingress ?? [];
  const scrape = ingress.some((rule) =>
    (rule.ports ?? []).some((p) => containerPort(d, p.port) === metrics && admitsPort(d, p)) &&
    (rule.from ?? []).some((peer) => peer.podSelector && selects(peer.podSelector, prometheusPod)));
  if (!scrape) errors.push(`${id(np)}: admits no scrape of the metrics port (${metrics.containerPort}) from Prometheus pods`);
  for (const rule of ingress) {
    if (!rule.ports?.length) errors.push(`${id(np)}: an ingress rule admits every port`);
    for (const p of rule.ports ?? []) {
      if (containerPort(d, p.port) !== metrics) errors.push(`${id(np)}: ingress admits port ${p.port}, which is not the metrics port`);
    }
    if (!rule.from?.length) errors.push(`${id(np)}: an ingress rule admits every source`);
    for (const peer of rule.from ?? []) {
      if (peer.ipBlock || !peer.podSelector || !selects(peer.podSelector, prometheusPod)) errors.push(`${id(np)}: ingress admits ${JSON.stringify(peer)}, not Prometheus pods`);
    }
  }
  const egress = np.spec?.egress ?? [];
  const egressTo = (port, protocol) => egress.some((rule) => (rule.ports ?? []).some((p) => p.port === port && (p.protocol ?? 'TCP') === protocol));
  if (!egressTo(53, 'UDP') || !egressTo(53, 'TCP')) errors.push(`${id(np)}: egress to DNS (53/UDP and 53/TCP) missing`);
  if (!egressTo(443, 'TCP')) errors.push(`${id(np)}: egress to the API (443/TCP) missing`);
  const dnsPeer = egress.find((rule) => (rule.ports ?? []).some((p) => p.port === 53))?.to ?? [];
  if (!dnsPeer.some((peer) => selects(peer.podSelector, { 'k8s-app': 'kube-dns' }))) errors.push(`${id(np)}: the DNS egress rule does not reach pods labelled k8s-app=kube-dns`);
  return errors;
}

// --- tenants ---------------------------------------------------------------------------------------

/** The environment of a Deployment's containers: its envFrom ConfigMaps, then its env, as KEY=VALUE lines. */
function environment(objects, d) {
  const lines = [];
  for (const c of containers(d)) {
    for (const ref of (c.envFrom ?? []).map((e) => e.configMapRef?.name)) {
      const cm = ofKind(objects, 'ConfigMap').find((m) => sameNamespace(m, d) && m.metadata?.name === ref);
      for (const [k, v] of Object.entries(cm?.data ?? {})) lines.push(`${k}=${v}`);
    }
    for (const e of c.env ?? []) lines.push(`${e.name}=${e.value}`);
  }
  return lines;
}

/**
 * Each tenant's exporter labels its own series: Cirrus__Tenant in the environment of the pods behind
 * the scraped Service, equal to the Service's `tenant` label. A `tenant` target label set by the
 * ServiceMonitor would win over the exporter's, renamed exported_tenant, so none may be set.
 */
function tenants(objects, wanted) {
  const errors = [];
  const seen = [];
  for (const sm of ofKind(objects, 'ServiceMonitor')) {
    const svc = ofKind(objects, 'Service').find((s) => sameNamespace(s, sm) && selects(sm.spec?.selector, s.metadata?.labels));
    if (!svc) { errors.push(`${id(sm)} selects no Service`); continue; }
    for (const ep of sm.spec?.endpoints ?? []) {
      const targetLabels = [...(ep.relabelings ?? []), ...(ep.metricRelabelings ?? [])].map((r) => r.targetLabel);
      if (targetLabels.includes('tenant')) errors.push(`${id(sm)}: sets a tenant label, which renames the exporter's own to exported_tenant`);
    }
    const pods = ofKind(objects, 'Deployment').filter((d) => sameNamespace(d, svc) && selects({ matchLabels: svc.spec?.selector }, podLabels(d)));
    if (pods.length !== 1) { errors.push(`${id(svc)}: selects the pods of ${pods.length} Deployments, want 1`); continue; }
    const tenant = environment(objects, pods[0]).findLast((l) => l.startsWith('Cirrus__Tenant='))?.slice('Cirrus__Tenant='.length);
    if (!tenant) errors.push(`${id(pods[0])}: no Cirrus__Tenant, so its series are labelled with the API host`);
    else if (tenant !== svc.metadata?.labels?.tenant) errors.push(`${id(pods[0])}: Cirrus__Tenant=${tenant}, but its Service is labelled tenant=${svc.metadata?.labels?.tenant}`);
    else seen.push(tenant);
  }
  if (!isDeepStrictEqual([...seen].sort(), [...wanted].sort())) errors.push(`tenant labels of the served series: ${seen.join(', ') || 'none'}; want ${wanted.join(', ')}`);
  for (const kind of ['Deployment', 'Secret']) {
    const perTenant = wanted.map((t) => ofKind(objects, kind).filter((o) => o.metadata?.labels?.tenant === t).length);
    if (perTenant.some((n) => n !== 1)) errors.push(`${kind}s per tenant (${wanted.join(', ')}): ${perTenant.join(', ')}, want 1 each`);
  }
  return errors;
}

// --- generated objects -----------------------------------------------------------------------------

function dashboards(objects, dir) {
  const errors = [];
  const maps = ofKind(objects, 'ConfigMap').filter((cm) => cm.metadata?.labels?.grafana_dashboard === '1');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (!files.length) errors.push(`no dashboards in ${dir}`);
  for (const f of files) {
    const holding = maps.filter((cm) => f in (cm.data ?? {}));
    if (holding.length !== 1) errors.push(`${f}: in ${holding.length} ConfigMaps labelled grafana_dashboard="1", want 1`);
    else if (holding[0].data[f] !== readFileSync(join(dir, f), 'utf8')) errors.push(`${f}: ${id(holding[0])} does not hold the file byte for byte`);
  }
  for (const cm of maps) {
    const keys = Object.keys(cm.data ?? {});
    if (keys.length !== 1 || !files.includes(keys[0])) errors.push(`${id(cm)}: holds ${keys.join(', ')}, want one dashboard file of ${dir}`);
  }
  return errors;
}

function rules(objects, dir, out) {
  const errors = [];
  const prs = ofKind(objects, 'PrometheusRule');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml')).sort();
  mkdirSync(out, { recursive: true });
  for (const pr of prs) writeFileSync(join(out, `${pr.metadata.name}.yml`), stringify({ groups: pr.spec?.groups ?? [] }));
  const names = prs.map((pr) => `${pr.metadata.name}.yml`).sort();
  if (!isDeepStrictEqual(names, files)) errors.push(`PrometheusRules ${names.join(', ') || 'none'}; rule files ${files.join(', ')}`);
  for (const f of files.filter((x) => names.includes(x))) {
    const pr = prs.find((p) => `${p.metadata.name}.yml` === f);
    if (!isDeepStrictEqual(pr.spec, parse(readFileSync(join(dir, f), 'utf8')))) errors.push(`${id(pr)}: spec differs from ${f}`);
  }
  return errors;
}

function env(objects, out) {
  mkdirSync(out, { recursive: true });
  for (const d of ofKind(objects, 'Deployment')) writeFileSync(join(out, `${d.metadata.name}.env`), `${environment(objects, d).join('\n')}\n`);
  return [];
}

// --- planted defects ---------------------------------------------------------------------------------

/** Each defect, applied to a copy of the objects, must make its check report an error. */
async function defects(objects, release) {
  const copy = () => structuredClone(objects);
  const first = (os, kind) => os.find((o) => o.kind === kind);
  const cases = [
    ['schema: replicas as a string', 'schema', (os) => { first(os, 'Deployment').spec.replicas = '1'; }],
    ['schema: a misspelt container field', 'schema', (os) => { containers(first(os, 'Deployment'))[0].imagePullPolicyy = 'Always'; }],
    ['schema: a misspelt ServiceMonitor endpoint field', 'schema', (os) => { first(os, 'ServiceMonitor').spec.endpoints[0].intervall = '30s'; }],
    ['schema: a rule duration prometheus-operator rejects', 'schema', (os) => { first(os, 'PrometheusRule').spec.groups[0].rules[0].for = '5 minutes'; }],
    ['wiring: ServiceMonitor port name not on the Service', 'wiring', (os) => { first(os, 'ServiceMonitor').spec.endpoints[0].port = 'http'; }],
    ['wiring: ServiceMonitor selecting a label the Service lacks', 'wiring', (os) => { first(os, 'ServiceMonitor').spec.selector.matchLabels.component = 'other'; }],
    ['wiring: Service selecting no pods', 'wiring', (os) => { first(os, 'Service').spec.selector = { app: 'other' }; }],
    ['wiring: NetworkPolicy admitting another port', 'wiring', (os) => { first(os, 'NetworkPolicy').spec.ingress[0].ports = [{ port: 8080, protocol: 'TCP' }]; }],
    ['wiring: NetworkPolicy admitting every source', 'wiring', (os) => { delete first(os, 'NetworkPolicy').spec.ingress[0].from; }],
    ['wiring: NetworkPolicy whose peer needs a tenant label', 'wiring', (os) => { first(os, 'NetworkPolicy').spec.ingress[0].from[0].podSelector = { matchLabels: { 'app.kubernetes.io/name': 'prometheus', tenant: 'acme' } }; }],
    ['wiring: no DNS egress', 'wiring', (os) => { const np = first(os, 'NetworkPolicy'); np.spec.egress = np.spec.egress.filter((r) => !r.ports.some((p) => p.port === 53)); }],
    ['wiring: writable root filesystem', 'wiring', (os) => { containers(first(os, 'Deployment'))[0].securityContext.readOnlyRootFilesystem = false; }],
    ['wiring: token file not on the Secret volume', 'wiring', (os) => { containers(first(os, 'Deployment'))[0].env.find((e) => e.name === 'Cirrus__ApiTokenFile').value = '/tmp/token'; }],
    ['wiring: no replica', 'wiring', (os) => { first(os, 'Deployment').spec.replicas = 0; }],
    ['wiring: HA replicas allowed on one node', 'wiring', (os) => { first(os, 'Deployment').spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable = 'ScheduleAnyway'; }],
    ['wiring: HA replicas replaced all at once', 'wiring', (os) => { first(os, 'Deployment').spec.strategy = { type: 'Recreate' }; }],
    ['wiring: memory request above the limit', 'wiring', (os) => { containers(first(os, 'Deployment'))[0].resources.requests.memory = '1Gi'; }],
    ['schema: a misspelt AlertmanagerConfig route field', 'schema', (os) => { first(os, 'AlertmanagerConfig').spec.route.groupByy = ['job']; }],
    ['schema: a PodDisruptionBudget with a misspelt field', 'schema', (os) => { first(os, 'PodDisruptionBudget').spec.minAvailabel = 1; }],
    ['wiring: HA replicas without their PodDisruptionBudget', 'wiring', (os) => { os.splice(os.indexOf(first(os, 'PodDisruptionBudget')), 1); }],
    ['wiring: HA replicas without the node spread', 'wiring', (os) => { delete first(os, 'Deployment').spec.template.spec.topologySpreadConstraints; }],
    ['kps: a PrometheusRule without the release label', 'kps', (os) => { delete first(os, 'PrometheusRule').metadata.labels.release; }],
    ['kps: a dashboard without the sidecar label', 'kps', (os) => { delete os.find((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard).metadata.labels.grafana_dashboard; }],
    ['kps: a route to an undefined receiver', 'kps', (os) => { first(os, 'AlertmanagerConfig').spec.route.routes[0].receiver = 'nobody'; }],
  ];
  const checks = { schema, wiring, kps: (os) => kps(os, release) };
  const missed = [];
  for (const [name, check, plant] of cases) {
    const os = copy();
    try {
      plant(os);
    } catch (e) {
      missed.push(`${name}: could not plant (${e.message})`);
      continue;
    }
    const errors = await checks[check](os);
    if (!errors.length) missed.push(`${name}: not reported`);
    else console.log(`caught  ${name}: ${errors[0]}`);
  }
  return missed;
}

// --- main ----------------------------------------------------------------------------------------------

const [command, file, ...args] = process.argv.slice(2);
const commands = {
  schema: (os) => schema(os),
  wiring: (os) => wiring(os),
  tenants: (os) => tenants(os, args),
  dashboards: (os) => dashboards(os, args[0]),
  rules: (os) => rules(os, args[0], args[1]),
  env: (os) => env(os, args[0]),
  kps: (os) => kps(os, args[0]),
  defects: (os) => defects(os, args[0]),
};
if (!commands[command] || !file) {
  console.error(`usage: node ${basename(fileURLToPath(import.meta.url))} ${Object.keys(commands).join('|')} RENDERED.yaml [ARGS]`);
  process.exit(2);
}
const objects = load(file);
if (!objects.length) {
  console.log(`${file}: no objects`);
  process.exit(1);
}
const errors = await commands[command](objects);
for (const e of errors) console.log(e);
process.exit(errors.length ? 1 : 0);
