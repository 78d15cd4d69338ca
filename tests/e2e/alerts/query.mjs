// Prints Prometheus, Alertmanager and webhook state as tab-separated lines for run.sh to grep.
// Labels are printed as {k="v", ...}, sorted, without alertname.
//
// usage:
//   node query.mjs prom-alerts PROMETHEUS_URL      state, alertname, labels       (/api/v1/alerts)
//   node query.mjs prom-query PROMETHEUS_URL EXPR  labels, value                  (/api/v1/query)
//   node query.mjs am-alerts ALERTMANAGER_URL      state, alertname, labels, inhibited by (alertnames)
//   node query.mjs notifications LOG_FILE [SINCE_MS]
//       one line per alert per notification: receive time (ms), receiver, group key, alert status,
//       alertname, labels, summary, description
//   node query.mjs pages LOG_FILE [SINCE_MS]
//       one line per page (pager receiver): a notification that opens an incident, i.e. the first
//       firing notification of a group key, or the first after a notification that resolved the
//       whole group (PagerDuty deduplicates on the group key the same way): receive time (ms),
//       group key, then the alertnames, stream_ids and tenants firing in any notification of that
//       incident (comma-separated, sorted)
import { existsSync, readFileSync } from 'node:fs';

const [command, target, arg] = process.argv.slice(2);

const labels = (set) =>
  `{${Object.keys(set).filter((k) => k !== 'alertname').sort().map((k) => `${k}=${JSON.stringify(set[k])}`).join(', ')}}`;

async function get(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.json();
}

const print = (...fields) => console.log(fields.join('\t'));

switch (command) {
  case 'prom-alerts': {
    const { data } = await get(`${target}/api/v1/alerts`);
    for (const a of data.alerts) print(a.state, a.labels.alertname, labels(a.labels));
    break;
  }
  case 'prom-query': {
    const { data } = await get(`${target}/api/v1/query?query=${encodeURIComponent(arg)}`);
    for (const r of data.result) print(labels(r.metric), r.value[1]);
    break;
  }
  case 'am-alerts': {
    const alerts = await get(`${target}/api/v2/alerts`);
    const byFingerprint = new Map(alerts.map((a) => [a.fingerprint, a.labels.alertname]));
    for (const a of alerts) {
      const inhibitors = a.status.inhibitedBy.map((f) => byFingerprint.get(f) ?? f);
      print(a.status.state, a.labels.alertname, labels(a.labels), [...new Set(inhibitors)].join(','));
    }
    break;
  }
  case 'notifications': {
    const since = Number(arg ?? 0);
    const lines = existsSync(target) ? readFileSync(target, 'utf8').split('\n').filter(Boolean) : [];
    for (const { t, body } of lines.map((l) => JSON.parse(l))) {
      if (t < since) continue;
      for (const a of body.alerts) {
        print(t, body.receiver, body.groupKey, a.status, a.labels.alertname, labels(a.labels),
          a.annotations.summary ?? '', a.annotations.description ?? '');
      }
    }
    break;
  }
  case 'pages': {
    const since = Number(arg ?? 0);
    const lines = existsSync(target) ? readFileSync(target, 'utf8').split('\n').filter(Boolean) : [];
    const open = new Map(); // group key -> the page it opened, while the incident is open
    const pages = [];
    for (const { t, body } of lines.map((l) => JSON.parse(l))) {
      if (body.receiver !== 'pager') continue;
      if (body.status === 'resolved') { open.delete(body.groupKey); continue; }
      if (!open.has(body.groupKey)) {
        const page = { t, key: body.groupKey, names: new Set(), streams: new Set(), tenants: new Set() };
        open.set(body.groupKey, page);
        pages.push(page);
      }
      const page = open.get(body.groupKey);
      for (const a of body.alerts.filter((x) => x.status === 'firing')) {
        page.names.add(a.labels.alertname);
        if (a.labels.stream_id) page.streams.add(a.labels.stream_id);
        if (a.labels.tenant) page.tenants.add(a.labels.tenant);
      }
    }
    const sorted = (set) => [...set].sort().join(',');
    for (const p of pages.filter((x) => x.t >= since)) print(p.t, p.key, sorted(p.names), sorted(p.streams), sorted(p.tenants));
    break;
  }
  default:
    console.error(`unknown command ${command}`);
    process.exit(2);
}
