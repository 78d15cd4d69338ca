# Container image for the Cirrus exporter.
#   docker build --build-arg REVISION="$(git rev-parse --short HEAD)" -t cirrus-exporter .
#   docker run --read-only -p 9878:9878 cirrus-exporter --demo

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

# Chiseled runtime-deps: no shell, no package manager, no .NET runtime (the binary carries its own),
# runs as the non-root "app" user.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
WORKDIR /app
COPY --from=build /app ./

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
