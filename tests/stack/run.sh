#!/usr/bin/env bash
# Checks the deployment files: prometheus.yml as the Prometheus container sees
# it, docker-compose.yml as docker-compose 1.29 and podman-compose resolve it,
# the Dockerfile with dockerfilelint (installed here with npm ci), and the image
# itself: built from the Dockerfile with podman, offline, and run.
#   IMAGE_FULL_BUILD=1 builds both stages, the build stage over a local SDK base
#   (sdk-base.sh; about 4 minutes more), instead of the final stage alone.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."

source "$here/../lib/check.sh"
source "$here/../lib/processes.sh"   # $work

# Podman with its storage, networks and state under $work, so that the suite
# leaves nothing behind: runc (crun refuses cgroup v1 hierarchies mixed as
# here), cgroupfs, and the default ulimits the exporter expects of a host.
mkdir -p "$work/podman/cni"
cat >"$work/podman/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$work/podman/tmp"
[network]
network_config_dir = "$work/podman/cni"
CONF
cat >"$work/podman/storage.conf" <<CONF
[storage]
driver = "$([[ -n ${IMAGE_FULL_BUILD:-} ]] && echo overlay || echo vfs)"
graphroot = "$work/podman/storage"
runroot = "$work/podman/run"
CONF
export CONTAINERS_CONF=$work/podman/containers.conf CONTAINERS_STORAGE_CONF=$work/podman/storage.conf
compose_project=cirrus-stack-test-$$
podman_cleanup() {
  podman-compose -p "$compose_project" down >/dev/null 2>&1
  podman rm -a -f -t 0 >/dev/null 2>&1
  podman network prune -f >/dev/null 2>&1
}
trap 'podman_cleanup; stop_all; rm -rf "$work"' EXIT

# The one version source: Directory.Build.props.
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)

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

# The build stage is replayed outside a container (the SDK image cannot be pulled here): the files the
# Dockerfile copies, in the same layout, then the same restore and publish commands; the published
# binary must start (configuration check) and its healthcheck must report an absent server. Its output,
# $work/build/app, stands in for the build stage when the image is built below.
dockerfile_publish() {
  local ctx=$work/build status=0
  mkdir -p "$ctx"
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
  # The publish line with the build argument REVISION as podman build passes it (the copy has no .git).
  publish=$(sed -nE 's/^RUN (dotnet publish .*)$/\1/p' Dockerfile | sed -e "s# -o /app # -o $ctx/app #" -e "s#\"\\\$REVISION\"#$revision#")
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

# --- the image --------------------------------------------------------------------

# Built from the Dockerfile with podman, offline: the final stage's FROM is a local runtime base made
# from Debian packages (runtime-base.sh), and the build stage is the publish output above, given to
# podman as the build context named after the stage; with IMAGE_FULL_BUILD=1, the Dockerfile's own
# build stage over a local SDK base (sdk-base.sh). Nothing is pulled. vfs storage copies each layer,
# which costs little for the final stage alone; the SDK's layers need overlay.
image=cirrus-exporter:$version
runtime_from=$(awk '/^FROM / { f = $2 } END { print f }' Dockerfile)
source_url=https://example.invalid/cirrus-exporter

runtime_base() {
  "$here/runtime-base.sh" "$work/runtime-base.tar" || return 1
  podman import -q "$work/runtime-base.tar" "$runtime_from" >/dev/null
}
check "runtime base from Debian packages, tagged $runtime_from" runtime_base

if [[ -n ${IMAGE_FULL_BUILD:-} ]]; then
  sdk_base() {
    "$here/sdk-base.sh" "$work/sdk-base.tar" || return 1
    podman import -q --change 'ENV DOTNET_CLI_TELEMETRY_OPTOUT=1' --change 'ENV DOTNET_NOLOGO=1' \
      "$work/sdk-base.tar" "$(awk '/^FROM .* AS build$/ { print $2 }' Dockerfile)" >/dev/null
    rm -f "$work/sdk-base.tar"
  }
  check "SDK base for the build stage" sdk_base
  build_context=()
else
  build_context=(--build-context "build=$work/build")
fi

# build_image [VERSION]: podman build of the Dockerfile, as $image.
build_image() {
  [[ -n ${IMAGE_FULL_BUILD:-} || -x $work/build/app/cirrus-exporter ]] || { echo "no publish output to build from"; return 1; }
  grep -qE '^FROM .* AS build$' Dockerfile || { echo "the Dockerfile has no stage named build"; return 1; }
  # --format docker: the OCI format has no HEALTHCHECK and podman would drop it.
  podman build -q --pull=never --format docker "${build_context[@]}" -f Dockerfile -t "$image" \
    --build-arg VERSION="${1:-$version}" --build-arg REVISION="$revision" --build-arg SOURCE="$source_url" . >"$work/podman-build.log" 2>&1 \
    || { tail -n 20 "$work/podman-build.log"; return 1; }
}
check "podman build the Dockerfile ($image, offline${IMAGE_FULL_BUILD:+, both stages})" build_image
if [[ -n ${IMAGE_FULL_BUILD:-} ]]; then
  # The build stage refuses a VERSION other than Directory.Build.props' (from its cached layers: fast).
  wrong_version() {
    ! build_image 0.0.0-wrong >/dev/null && grep -q "VERSION=0.0.0-wrong, but Directory.Build.props says $version" "$work/podman-build.log" \
      || { tail -n 5 "$work/podman-build.log"; return 1; }
  }
  check "podman build fails with a VERSION other than Directory.Build.props'" wrong_version
fi

# label NAME: the image's label NAME.
label() { podman image inspect "$image" --format "{{ index .Config.Labels \"org.opencontainers.image.$1\" }}"; }

image_metadata() {
  local status=0 user health entrypoint name want printed
  for name in version revision source licenses; do
    case $name in
      version) want=$version ;; revision) want=$revision ;; source) want=$source_url ;; licenses) want=Apache-2.0 ;;
    esac
    [[ $(label $name) == "$want" ]] || { echo "label org.opencontainers.image.$name is '$(label $name)', want '$want'"; status=1; }
  done
  user=$(podman image inspect "$image" --format '{{.Config.User}}')
  [[ $user == 1654 ]] || { echo "user '$user', want 1654"; status=1; }
  health=$(podman image inspect "$image" --format '{{json .Config.Healthcheck.Test}}')
  [[ $health == '["CMD","/app/cirrus-exporter","healthcheck"]' ]] || { echo "healthcheck $health"; status=1; }
  # The binary's own --version names the same version and revision as the labels (one version source).
  printed=$(podman run --rm --health-interval disable "$image" --version 2>"$work/version.err" | head -n 1)
  [[ $printed == "cirrus-exporter, version $version (revision: $(label revision))" ]] \
    || { echo "--version printed '$printed', labels say $version, $(label revision)"; cat "$work/version.err"; status=1; }
  return $status
}
check "image: OCI labels (version from Directory.Build.props) match --version, user 1654, HEALTHCHECK kept" image_metadata

# The image's files: the binary alone in /app, the licence, and no shell or other program anywhere.
image_files() {
  local files app programs id
  id=$(podman create "$image") && podman export -o "$work/image-fs.tar" "$id" || return 1
  podman rm -f "$id" >/dev/null
  files=$(tar -tf "$work/image-fs.tar") || return 1
  tar -xOf "$work/image-fs.tar" usr/share/licenses/cirrus-exporter/LICENSE | cmp -s - LICENSE \
    || { echo "/usr/share/licenses/cirrus-exporter/LICENSE is not the repository's LICENSE"; return 1; }
  app=$(grep -E '^\.?/?app/.' <<<"$files" | sed -E 's#^\./##')
  [[ $app == app/cirrus-exporter ]] || { echo "/app holds:"; echo "$app"; return 1; }
  programs=$(grep -E '(^|/)(s?bin/|(sh|bash|dash|ash|busybox|perl|python3?)$)' <<<"$files")
  [[ -z $programs ]] || { echo "programs in the image:"; echo "$programs"; return 1; }
}
check "image: /app holds the binary alone (no .dbg), the LICENSE; no shell or other program" image_files

image_size() {
  local bytes
  bytes=$(podman image inspect "$image" --format '{{.Size}}') || return 1
  echo "image size: $bytes bytes ($(( bytes / 1000000 )) MB), runtime base $(podman image inspect "$runtime_from" --format '{{.Size}}') bytes"
  [[ $bytes -le 40000000 ]] || { echo "over 40 MB"; return 1; }
}
# Reported whether it passes or not.
image_size_report=$(image_size 2>&1) && pass "image size <= 40 MB" || fail "image size <= 40 MB"
echo "     $image_size_report"

# The demo in the image, as docker-compose and Kubernetes run it: read-only root filesystem, the
# image's user, a published port.
image_run() {
  local port url pid uid i
  port=$(free_port) || return 1
  url=http://127.0.0.1:$port
  podman run -d --name cirrus-image --read-only --cap-drop ALL --security-opt no-new-privileges \
    --health-interval disable -p "127.0.0.1:$port:9878" "$image" --demo >/dev/null || return 1
  for i in $(seq 60); do
    curl -s "$url/metrics" | grep -qE '^cirrus_up(\{[^}]*\})? 1$' && break
    sleep 0.5
  done
  curl -s "$url/metrics" | grep -qE '^cirrus_up(\{[^}]*\})? 1$' || { echo "no 'cirrus_up 1' at $url/metrics"; podman logs cirrus-image 2>&1 | tail -20; return 1; }
  curl -s "$url/metrics" | grep -qE "^cirrus_exporter_build_info\\{([^}]*,)?version=\"$version\"," \
    || { echo "build_info does not carry version $version"; curl -s "$url/metrics" | grep build_info; return 1; }
  pid=$(podman inspect cirrus-image --format '{{.State.Pid}}')
  uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
  [[ $uid == 1654 ]] || { echo "runs as uid '$uid'"; return 1; }
  awk '$5 == "/" { print $6 }' "/proc/$pid/mountinfo" | grep -qE '^ro(,|$)' || { echo "the root filesystem is writable"; return 1; }
  podman healthcheck run cirrus-image || { echo "healthcheck unhealthy while serving"; return 1; }
  # The same healthcheck fails where nothing listens: a passing one means something.
  if podman exec cirrus-image /app/cirrus-exporter healthcheck --Web:ListenAddress=127.0.0.1:1 >/dev/null 2>&1; then
    echo "healthcheck healthy with nothing listening"; return 1
  fi
  if podman exec cirrus-image /bin/sh -c true >/dev/null 2>&1; then echo "a shell runs in the image"; return 1; fi
  # SIGTERM: exit 0 within 2 s.
  local start elapsed code
  start=$(date +%s%N)
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null; do
    (( $(date +%s%N) - start < 5000000000 )) || break
    sleep 0.05
  done
  elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
  podman wait cirrus-image >/dev/null
  code=$(podman inspect cirrus-image --format '{{.State.ExitCode}}')
  echo "SIGTERM to exit: $elapsed ms, exit code $code"
  [[ $code == 0 && $elapsed -le 2000 ]]
}
check_here "image: demo serves cirrus_up 1, uid 1654, read-only root, healthcheck, no shell, SIGTERM exits 0 within 2 s" image_run
podman rm -f -t 0 cirrus-image >/dev/null 2>&1

# --- docker-compose.yml under podman-compose -----------------------------------------

# podman-compose resolves ${...} itself, differently from docker-compose: the exporter service is run
# with it (the image above under the compose file's image name), and the container's environment is
# what the compose file meant, with the token set and unset.
compose_env() { podman inspect "$1" --format '{{range .Config.Env}}{{println .}}{{end}}'; }
podman_compose_exporter() {
  local want_token=$1 port env container i
  shift
  port=$(free_port) || return 1
  podman tag "$image" cirrus-exporter:local || return 1
  env -u CIRRUS_EXPORTER_ARGS -u CIRRUS_API_TOKEN CIRRUS_EXPORTER_PORT="$port" "$@" \
    podman-compose -p "$compose_project" up -d --no-build cirrus-exporter >"$work/podman-compose.log" 2>&1 \
    || { tail -n 20 "$work/podman-compose.log"; return 1; }
  container=$(podman ps -a --filter "label=io.podman.compose.project=$compose_project" --format '{{.Names}}' | head -n 1)
  [[ -n $container ]] || { echo "podman-compose started no container"; tail -n 20 "$work/podman-compose.log"; return 1; }
  env=$(compose_env "$container")
  grep -qxF "Cirrus__ApiToken=$want_token" <<<"$env" \
    || { echo "the container's Cirrus__ApiToken is '$(sed -n 's/^Cirrus__ApiToken=//p' <<<"$env")', want '$want_token'"; return 1; }
  for i in $(seq 60); do
    curl -s "http://127.0.0.1:$port/metrics" | grep -qE '^cirrus_up(\{[^}]*\})? 1$' && break
    sleep 0.5
  done
  curl -s "http://127.0.0.1:$port/metrics" | grep -qE '^cirrus_up(\{[^}]*\})? 1$' \
    || { echo "no 'cirrus_up 1' on 127.0.0.1:$port"; podman logs "$container" 2>&1 | tail -n 20; return 1; }
  podman-compose -p "$compose_project" down >/dev/null 2>&1
}
check_here "podman-compose: the exporter service runs --demo, Cirrus__ApiToken empty with CIRRUS_API_TOKEN unset" \
  podman_compose_exporter ""
check_here "podman-compose: CIRRUS_API_TOKEN reaches the container as Cirrus__ApiToken" \
  podman_compose_exporter compose-test-token CIRRUS_API_TOKEN=compose-test-token

finish
