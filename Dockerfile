# Container image for the Cirrus exporter. The version is the <Version> of Directory.Build.props, the one
# version source: the build arguments and the tag repeat it (the build stage checks VERSION):
#   version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)
#   docker build --build-arg VERSION="$version" --build-arg REVISION="$(git rev-parse HEAD)" \
#     --build-arg SOURCE=<the repository's URL> -t cirrus-exporter:"$version" .
#   docker run --read-only -p 9878:9878 cirrus-exporter:"$version" --demo

# A Native AOT build: one self-contained binary, under half the JIT build's memory and a fifth of its
# start-up time (docs/performance.md). The -aot SDK image carries the native toolchain (clang, zlib).
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble-aot AS build
WORKDIR /src

# Restore from the project files alone, so that source changes reuse the cached packages.
# Every project the exporter references (the simulator, for --demo) is copied here too.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/CirrusExporter/CirrusExporter.csproj src/CirrusExporter/
COPY src/CirrusSimulator/CirrusSimulator.csproj src/CirrusSimulator/
RUN dotnet restore src/CirrusExporter/CirrusExporter.csproj --use-current-runtime -p:PublishAot=true

COPY src/ src/
# The git revision for cirrus_exporter_build_info{revision}; the build context has no .git to read it from.
ARG REVISION=unknown
RUN dotnet publish src/CirrusExporter/CirrusExporter.csproj -c Release -o /app --no-restore --use-current-runtime -p:PublishAot=true -p:SourceRevisionId="$REVISION"
# The version label below comes from this argument: when given, it must be the version the binary was
# built with, so that label, tag and cirrus_exporter_build_info{version} never disagree.
ARG VERSION=unknown
RUN built=$(dotnet msbuild src/CirrusExporter/CirrusExporter.csproj -getProperty:Version) \
    && { [ "$VERSION" = unknown ] || [ "$VERSION" = "$built" ]; } \
    || { echo "VERSION=$VERSION, but Directory.Build.props says $built" >&2; exit 1; }

# Chiseled runtime-deps: no shell, no package manager, no .NET runtime (the binary carries its own),
# runs as the non-root "app" user.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
# SOURCE: the repository's public URL, where this project is published.
ARG VERSION=unknown
ARG REVISION=unknown
ARG SOURCE=
LABEL org.opencontainers.image.title="cirrus-exporter" \
      org.opencontainers.image.description="Prometheus exporter for the Cirrus Digital contact-centre API" \
      org.opencontainers.image.source="$SOURCE" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="$VERSION" \
      org.opencontainers.image.revision="$REVISION"
WORKDIR /app
# The binary alone: the publish folder also holds its 40 MB of debug symbols (.dbg) and build leftovers.
COPY --from=build /app/cirrus-exporter ./
# Apache-2.0 asks that the licence travel with the binary.
COPY LICENSE /usr/share/licenses/cirrus-exporter/LICENSE

# The exporter binds its own address; the base image's default port 8080 is not used.
# Diagnostics off: no IPC sockets or dump files, so the root filesystem can be read-only.
ENV Web__ListenAddress=0.0.0.0:9878 \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_EnableDiagnostics=0

# Numeric UID (the image's "app" user) so that Kubernetes runAsNonRoot can verify it.
USER 1654
EXPOSE 9878

# No shell in the image: the exporter checks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD ["/app/cirrus-exporter", "healthcheck"]

ENTRYPOINT ["/app/cirrus-exporter"]
