#!/usr/bin/env bash
# Checks deploy/kubernetes offline: the generated PrometheusRules, dashboard ConfigMaps and
# AlertmanagerConfig are up to date; `kubectl kustomize` renders the base, its parts and the two-tenant
# and kube-prometheus-stack overlays (the labels its selectors need; with components/ha, the replicas'
# PodDisruptionBudget and spread); the image tag is Directory.Build.props' version; every rendered
# object validates against the Kubernetes and prometheus-operator schemas (npm kubernetes-models,
# installed here with npm ci); the ServiceMonitor, Service, pods, NetworkPolicy and Secret fit
# together; the rule groups taken back out of the rendered PrometheusRules pass promtool check rules
# and the rule tests of tests/rules; the exporter accepts each rendered Deployment's configuration,
# and picks up a new token when a Secret volume's files are swapped as the kubelet swaps them.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."

source tests/lib/check.sh
source tests/lib/processes.sh   # $work, simulator and exporter helpers; stops what they start on exit

deploy=deploy/kubernetes
manifests() { node "$here/manifests.mjs" "$@"; }

# --- prerequisites ----------------------------------------------------------------------------

# kubectl (with its built-in kustomize) comes with the machine image; where it is missing, the
# distribution's package is tried. The manifests need kustomize v5 (`labels`, `configurations`).
kubectl_ready() {
  if ! command -v kubectl >/dev/null; then
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq kubectl >/dev/null 2>&1 \
      || { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq kubectl >/dev/null; } \
      || { echo "kubectl is not installed and no apt source offers it: install kubectl 1.27 or later (kustomize v5)"; return 1; }
  fi
  local version
  version=$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v//p')
  [[ ${version%%.*} -ge 5 ]] 2>/dev/null || { echo "kubectl's kustomize is '${version:-absent}', v5 or later is needed"; return 1; }
}
check "kubectl with kustomize v5" kubectl_ready
check "npm ci (tests/kubernetes)" npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
for tool in node promtool; do
  check "$tool is installed" command -v "$tool"
done
[[ $failed -eq 0 ]] || finish

# --- generated files ----------------------------------------------------------------------------

generated_up_to_date() {
  "$deploy/generate.sh" "$work/generated" || return 1
  local f status=0 committed
  committed=$(cd "$deploy" && find . -name '*.generated.yaml' | sort)
  [[ $committed == "$(cd "$work/generated" && find . -name '*.generated.yaml' | sort)" ]] \
    || { echo "generated files: $committed"; status=1; }
  for f in $(cd "$work/generated" && find . -name '*.generated.yaml'); do
    diff -u "$deploy/$f" "$work/generated/$f" | head -n 20 || status=1
  done
  [[ $status -eq 0 ]] || echo "out of date: run deploy/kubernetes/generate.sh and commit the result"
  return $status
}
check "PrometheusRules, dashboard ConfigMaps and AlertmanagerConfig match rules/, grafana/dashboards/ and alertmanager/alertmanager.yml (generate.sh)" generated_up_to_date

# --- render ------------------------------------------------------------------------------------

# render DIR NAME: kubectl kustomize DIR into $work/NAME.yaml.
render() { kubectl kustomize "$deploy/$1" >"$work/$2.yaml"; }
check "kubectl kustomize base" render base base
check "kubectl kustomize base/exporter" render base/exporter exporter
check "kubectl kustomize base/monitoring" render base/monitoring monitoring
check "kubectl kustomize overlays/two-tenants" render overlays/two-tenants two-tenants
check "kubectl kustomize overlays/kube-prometheus-stack" render overlays/kube-prometheus-stack kps
check "kubectl kustomize overlays/kube-prometheus-stack-ha" render overlays/kube-prometheus-stack-ha kps-ha

# kinds NAME: the rendered kinds, counted ("2 ConfigMap, 1 Deployment, ...").
kinds() { grep -E '^kind: ' "$work/$1.yaml" | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $3; sep = ", "}'; }
expect_kinds() {
  local got
  got=$(kinds "$1")
  [[ $got == "$2" ]] || { echo "rendered: $got"; echo "want:     $2"; return 1; }
}
n_rules=$(ls rules/*.yml | wc -l)
n_dashboards=$(ls grafana/dashboards/*.json | wc -l)
check "base: one exporter, its ConfigMap, $n_rules PrometheusRules, $n_dashboards dashboard ConfigMaps" expect_kinds base \
  "$((n_dashboards + 1)) ConfigMap, 1 Deployment, 1 NetworkPolicy, $n_rules PrometheusRule, 1 Service, 1 ServiceMonitor"
check "two tenants: two exporters and Secrets, the rules and dashboards once" expect_kinds two-tenants \
  "$((n_dashboards + 2)) ConfigMap, 2 Deployment, 1 Namespace, 2 NetworkPolicy, $n_rules PrometheusRule, 2 Secret, 2 Service, 2 ServiceMonitor"
check "kube-prometheus-stack: the base and one AlertmanagerConfig" expect_kinds kps \
  "1 AlertmanagerConfig, $((n_dashboards + 1)) ConfigMap, 1 Deployment, 1 NetworkPolicy, $n_rules PrometheusRule, 1 Service, 1 ServiceMonitor"
check "kube-prometheus-stack-ha: and a PodDisruptionBudget" expect_kinds kps-ha \
  "1 AlertmanagerConfig, $((n_dashboards + 1)) ConfigMap, 1 Deployment, 1 NetworkPolicy, 1 PodDisruptionBudget, $n_rules PrometheusRule, 1 Service, 1 ServiceMonitor"

# --- schemas and wiring ----------------------------------------------------------------------------

for r in base two-tenants kps kps-ha; do
  check "$r: every object validates against the Kubernetes and prometheus-operator schemas" manifests schema "$work/$r.yaml"
  check "$r: ServiceMonitor selects the Service by labels and port name; Service selects the pods; hardening; token from a Secret file" \
    manifests wiring "$work/$r.yaml"
  check "$r: one sidecar ConfigMap per dashboard, holding the file byte for byte" manifests dashboards "$work/$r.yaml" grafana/dashboards
  check "$r: the PrometheusRules hold exactly the groups of rules/*.yml" manifests rules "$work/$r.yaml" rules "$work/$r-rules/rules"
done
check "two-tenants: each tenant's own Deployment and Secret; its exporter labels the series tenant (Cirrus__Tenant), no relabelling" \
  manifests tenants "$work/two-tenants.yaml" acme globex
release=$(sed -n 's/^  release: //p' "$deploy/components/kube-prometheus-stack/release-label.yaml")
for r in kps kps-ha; do
  check "$r: release=$release on ServiceMonitor, PrometheusRules, AlertmanagerConfig; grafana_dashboard on dashboards" \
    manifests kps "$work/$r.yaml" "$release"
done
check "planted defects are reported by the schema, wiring and kube-prometheus-stack checks" manifests defects "$work/kps-ha.yaml" "$release"

# The image tag is the version of Directory.Build.props, the one version source.
image_tag_is_version() {
  local version tag
  version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)
  tag=$(awk '$1 == "image:" && $2 ~ /^cirrus-exporter:/ { sub(/^cirrus-exporter:/, "", $2); print $2 }' "$work/base.yaml")
  [[ -n $version && $tag == "$version" ]] || { echo "rendered image tag '$tag', Directory.Build.props <Version> '$version'"; return 1; }
}
check "the rendered image tag is Directory.Build.props' <Version>" image_tag_is_version

# --- rules taken back out of the rendered PrometheusRules ------------------------------------------------

# The rule tests name their rule files relative to tests/rules (../../rules/*.yml): copies of the tests
# in the same layout load the extracted files instead of rules/.
extracted=$work/two-tenants-rules
mkdir -p "$extracted/tests/rules"
cp tests/rules/*_test.yml "$extracted/tests/rules/"
for f in "$extracted"/rules/*.yml; do
  check "promtool check rules (from PrometheusRule $(basename "$f" .yml))" promtool check rules "$f"
done
for f in "$extracted"/tests/rules/*_test.yml; do
  check "promtool test rules $(basename "$f") (from the PrometheusRules)" promtool test rules "$f"
done

# --- the exporter accepts the rendered configuration --------------------------------------------------

# check_config ENV_FILE: the exporter's --check-config with exactly that environment, the token file
# replaced by a temporary one.
check_config() {
  local vars=() line out
  build_if_missing || return 1
  echo "not-a-real-key" >"$work/token"
  while IFS= read -r line; do
    [[ $line == Cirrus__ApiTokenFile=* ]] && line=Cirrus__ApiTokenFile=$work/token
    vars+=("$line")
  done <"$1"
  out=$(env -i PATH="$PATH" HOME="$work" DOTNET_CLI_TELEMETRY_OPTOUT=1 "${vars[@]}" dotnet "$exporter_dll" --check-config 2>&1) \
    || { echo "$out"; return 1; }
  grep -q 'configuration OK' <<<"$out" || { echo "$out"; return 1; }
}
manifests env "$work/two-tenants.yaml" "$work/env" && manifests env "$work/base.yaml" "$work/env/base"
for f in "$work"/env/*.env "$work"/env/base/*.env; do
  check "cirrus-exporter --check-config accepts the environment of $(basename "$f" .env)" check_config "$f"
done
# The same check reports a misspelt key (so a passing one means the keys above are known).
misspelt() {
  sed 's/^Cirrus__DiscoverStreams=/Cirrus__DiscoverStream=/' "$work/env/globex-cirrus-exporter.env" >"$work/misspelt.env"
  grep -q DiscoverStream= "$work/misspelt.env" || { echo "nothing planted"; return 1; }
  ! check_config "$work/misspelt.env"
}
check "cirrus-exporter --check-config rejects a misspelt key in the same environment" misspelt

# --- the token file as a Secret volume holds it ----------------------------------------------------

# The kubelet mounts token -> ..data/token, ..data being a symlink to a timestamped directory that it
# swaps atomically when the Secret changes. The exporter starts with a revoked key and must pick up the
# new one without a restart.
token_rotation() {
  local vol=$work/secret-volume
  build_if_missing || return 1
  mkdir -p "$vol/..2026_01_01_00_00_00.1"
  echo "revoked-key-$RANDOM" >"$vol/..2026_01_01_00_00_00.1/token"
  ln -s ..2026_01_01_00_00_00.1 "$vol/..data"
  ln -s ..data/token "$vol/token"
  start_simulator k8s-simulator || return 1
  local interval=00:00:01
  start_exporter k8s-exporter --Cirrus:ApiTokenFile="$vol/token" --Cirrus:MaxDataAge=00:00:30 \
    --Cirrus:Collectors:Availability:Interval=$interval --Cirrus:Collectors:StreamStats:Interval=$interval \
    --Cirrus:Collectors:SlaExceptions:Interval=$interval --Cirrus:Collectors:Objects:Interval=$interval
  local i rejected=0
  for i in $(seq 300); do
    rejected=$(curl -s "$exp_url/metrics" | awk '/^cirrus_api_requests_total\{.*code="401"/ {n += $2} END {print n + 0}')
    [[ $rejected -gt 0 ]] && break
    sleep 0.1
  done
  [[ $rejected -gt 0 ]] || { echo "the revoked key was never rejected"; cat "$work/k8s-exporter.log"; return 1; }
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$exp_url/readyz") == 503 ]] || { echo "ready with a rejected key"; return 1; }
  mkdir -p "$vol/..2026_01_01_00_10_00.2"
  echo "$token" >"$vol/..2026_01_01_00_10_00.2/token"   # the key the simulator accepts
  ln -s ..2026_01_01_00_10_00.2 "$vol/..data_tmp"
  mv -T "$vol/..data_tmp" "$vol/..data"
  rm -rf "$vol/..2026_01_01_00_00_00.1"
  wait_ready "$exp_url" 30 || { echo "not ready 30 s after the Secret rotated"; tail -n 20 "$work/k8s-exporter.log"; return 1; }
  ! grep -q -e revoked-key -e "$token" "$work/k8s-exporter.log" || { echo "a key appears in the log"; return 1; }
}
check_here "a rotated Secret volume's token is picked up without a restart" token_rotation
stop_all

finish
