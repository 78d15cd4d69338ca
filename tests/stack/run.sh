#!/usr/bin/env bash
# Checks the deployment files: prometheus.yml as the Prometheus container sees
# it, docker-compose.yml as docker-compose 1.29 validates it, and the
# Dockerfile with dockerfilelint (installed here with npm ci).
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."

source "$here/../lib/check.sh"
source "$here/../lib/processes.sh"   # $work

# --- prometheus.yml ------------------------------------------------------------

# The compose file mounts ./prometheus.yml at /etc/prometheus/prometheus.yml and
# ./rules at /etc/prometheus/rules; check the config in that layout, and that
# its rule_files pick up every rule file (a glob matching nothing still passes).
prometheus_config() {
  local etc=$work/etc/prometheus out want
  mkdir -p "$etc"
  cp prometheus.yml "$etc/"
  cp -r rules "$etc/"
  out=$(promtool check config "$etc/prometheus.yml") || { echo "$out"; return 1; }
  want=$(ls rules/*.yml | wc -l)
  grep -q "SUCCESS: $want rule files found" <<<"$out" || { echo "$out"; echo "expected $want rule files"; return 1; }
}
check "promtool check config prometheus.yml (container layout)" prometheus_config

# Scrape and alerting targets are compose services on the right ports.
prometheus_targets() {
  local services
  services=$(docker-compose config --services) || return 1
  grep -qx cirrus-exporter <<<"$services" && grep -q "'cirrus-exporter:9878'" prometheus.yml \
    || { echo "prometheus.yml does not scrape the cirrus-exporter service on 9878"; return 1; }
  grep -qx alertmanager <<<"$services" && grep -q "'alertmanager:9093'" prometheus.yml \
    || { echo "prometheus.yml does not alert to the alertmanager service on 9093"; return 1; }
  grep -qE '^  - job_name: cirrus$' prometheus.yml || { echo "no scrape job named cirrus"; return 1; }
}
check "prometheus.yml targets the compose services" prometheus_targets

# --- docker-compose.yml --------------------------------------------------------

check "docker-compose config -q" docker-compose config -q

# exporter_config VAR=VALUE...: the exporter's service in the resolved config.
exporter_config() {
  env -u CIRRUS_EXPORTER_ARGS -u CIRRUS_API_TOKEN "$@" docker-compose config \
    | sed -n '/^  cirrus-exporter:$/,/^  [a-z]/p'
}

compose_demo_default() {
  local cfg
  cfg=$(exporter_config) || return 1
  grep -qx '    command: --demo' <<<"$cfg" || { echo "$cfg"; echo "default command is not --demo"; return 1; }
  grep -qx "      Cirrus__ApiToken: ''" <<<"$cfg" || { echo "$cfg"; echo "token not empty by default"; return 1; }
}
check "compose: exporter runs --demo by default" compose_demo_default

compose_real_tenant() {
  local cfg
  cfg=$(exporter_config CIRRUS_EXPORTER_ARGS= CIRRUS_API_TOKEN=test-token) || return 1
  grep -qx "    command: ''" <<<"$cfg" || { echo "$cfg"; echo "--demo not dropped"; return 1; }
  grep -qx '      Cirrus__ApiToken: test-token' <<<"$cfg" || { echo "$cfg"; echo "token not passed"; return 1; }
}
check "compose: CIRRUS_API_TOKEN and empty CIRRUS_EXPORTER_ARGS run against a tenant" compose_real_tenant

compose_hardening() {
  local cfg ports
  cfg=$(exporter_config) || return 1
  grep -qx '    read_only: true' <<<"$cfg" || { echo "exporter is not read_only"; return 1; }
  # Every line of every service's ports: block (short or long syntax).
  ports=$(docker-compose config | awk '/^    ports:$/ { p = 1; next } p && /^    (- |  )/ { print; next } { p = 0 }')
  [[ -n $ports ]] || { echo "no published ports found"; return 1; }
  if grep -v '^    - 127\.0\.0\.1:' <<<"$ports"; then
    echo "ports above are not bound to 127.0.0.1"
    return 1
  fi
}
check "compose: exporter read-only, every port on 127.0.0.1" compose_hardening

# --- Dockerfile ------------------------------------------------------------------

# Sources of the build stage's COPY lines exist (a renamed project breaks the
# restore layer otherwise).
dockerfile_copy_sources() {
  local line src status=0
  while read -r line; do
    for src in $(awk '{ for (i = 2; i < NF; i++) print $i }' <<<"$line"); do
      [[ -e $src ]] || { echo "COPY source missing: $src"; status=1; }
    done
  done < <(grep -E '^COPY ' Dockerfile | grep -v -- '--from=')
  return $status
}
check "Dockerfile COPY sources exist" dockerfile_copy_sources

# Every project referenced by a project copied for the restore layer is copied too.
dockerfile_project_references() {
  local copied csproj ref status=0
  copied=$(grep -E '^COPY ' Dockerfile | grep -v -- '--from=' | grep -oE '[^ ]+\.csproj')
  for csproj in $copied; do
    for ref in $(grep -oE '<ProjectReference Include="[^"]+"' "$csproj" | sed -E 's/.*"(.*)"/\1/; s#\\#/#g'); do
      ref=$(realpath -m --relative-to=. "$(dirname "$csproj")/$ref")
      grep -qx "$ref" <<<"$copied" || { echo "$csproj references $ref, which the Dockerfile does not copy before restore"; status=1; }
    done
  done
  return $status
}
check "Dockerfile copies every referenced project before restore" dockerfile_project_references

dockerfile_contract() {
  local status=0
  grep -qx 'FROM mcr.microsoft.com/dotnet/sdk:10.0-noble-aot AS build' Dockerfile || { echo "build stage is not dotnet/sdk:10.0-noble-aot"; status=1; }
  grep -qx 'FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled' Dockerfile || { echo "runtime is not runtime-deps:10.0-noble-chiseled"; status=1; }
  grep -qx 'ENTRYPOINT \["/app/cirrus-exporter"\]' Dockerfile || { echo "entrypoint is not /app/cirrus-exporter"; status=1; }
  grep -q 'CMD \["/app/cirrus-exporter", "healthcheck"\]' Dockerfile || { echo "no exec-form healthcheck"; status=1; }
  grep -qx 'EXPOSE 9878' Dockerfile || { echo "port 9878 not exposed"; status=1; }
  grep -qE '^USER (1654|\$APP_UID)$' Dockerfile || { echo "does not run as the non-root app user"; status=1; }
  grep -q '<AssemblyName>cirrus-exporter</AssemblyName>' src/CirrusExporter/CirrusExporter.csproj \
    || { echo "the project no longer publishes cirrus-exporter"; status=1; }
  return $status
}
check "Dockerfile: images, entrypoint, healthcheck, port, user" dockerfile_contract

# No Docker engine runs here, so the build stage is replayed outside it: the files the Dockerfile
# copies, in the same layout, then the same restore and publish commands; the published binary must
# start (configuration check) and its healthcheck must report an absent server.
dockerfile_publish() {
  local ctx status=0
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' RETURN
  while read -r line; do
    read -r -a parts <<<"$line"
    local dest=${parts[-1]} i
    mkdir -p "$ctx/src-root/$dest"
    # Like COPY: a directory's contents, or a file, land in the destination folder.
    for ((i = 1; i < ${#parts[@]} - 1; i++)); do
      if [[ -d ${parts[$i]} ]]; then cp -r "${parts[$i]}/." "$ctx/src-root/$dest"; else cp "${parts[$i]}" "$ctx/src-root/$dest"; fi
    done
  done < <(grep -E '^COPY ' Dockerfile | grep -v -- '--from=')
  # .dockerignore keeps build output out of the context.
  find "$ctx/src-root" -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
  local restore publish
  restore=$(sed -nE 's/^RUN (dotnet restore .*)$/\1/p' Dockerfile)
  publish=$(sed -nE 's/^RUN (dotnet publish .*)$/\1/p' Dockerfile | sed "s# -o /app # -o $ctx/app #")
  [[ -n $restore && -n $publish ]] || { echo "no dotnet restore/publish RUN lines"; return 1; }
  (cd "$ctx/src-root" && $restore >"$ctx/restore.log" 2>&1) || { tail -20 "$ctx/restore.log"; return 1; }
  (cd "$ctx/src-root" && $publish >"$ctx/publish.log" 2>&1) || { tail -20 "$ctx/publish.log"; return 1; }
  [[ -x $ctx/app/cirrus-exporter ]] || { echo "publish produced no cirrus-exporter"; return 1; }
  # runtime-deps carries no .NET runtime: the binary must be native and self-contained.
  [[ ! -e $ctx/app/cirrus-exporter.dll ]] || { echo "the publish output holds cirrus-exporter.dll: not a native build"; return 1; }
  Cirrus__ApiToken=t "$ctx/app/cirrus-exporter" --check-config | grep -q "configuration OK" || { echo "published binary fails --check-config"; status=1; }
  if "$ctx/app/cirrus-exporter" healthcheck --Web:ListenAddress=127.0.0.1:1; then echo "healthcheck passed with no server"; status=1; fi
  return $status
}
check "Dockerfile build stage: the same restore and publish work" dockerfile_publish

check "npm ci (tests/stack)" npm ci --prefix tests/stack --no-audit --no-fund --loglevel=error
check "dockerfilelint Dockerfile" tests/stack/node_modules/.bin/dockerfilelint Dockerfile

finish
