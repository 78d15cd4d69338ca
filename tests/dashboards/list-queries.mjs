// Prints one JSON line per panel query of every dashboard (panels inside rows included):
// {"dashboard": uid, "panel": title, "refId": ..., "instant": bool, "expr": PromQL with Grafana variables unresolved,
//  "interval": the panel's min interval or null}
import { allTargets, loadDashboards } from './lib.mjs';

for (const { json } of loadDashboards()) {
  for (const { panel, target } of allTargets(json)) {
    console.log(JSON.stringify({
      dashboard: json.uid,
      panel: panel.title,
      refId: target.refId,
      instant: Boolean(target.instant),
      expr: target.expr,
      interval: panel.interval ?? null,
    }));
  }
}
