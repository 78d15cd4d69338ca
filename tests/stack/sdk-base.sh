#!/usr/bin/env bash
# Writes a stand-in for the Dockerfile's build stage image (the .NET SDK with the native toolchain) as a
# tarball, for the whole two-stage build with no registry (tests/stack/run.sh with IMAGE_FULL_BUILD=1):
# Debian with gcc, the C library and zlib headers the Native AOT link needs and ICU for the SDK, plus
# this machine's .NET SDK and CA bundle (so that restore reaches NuGet as this machine does). Import it
# under the build stage's FROM name:
#   tests/stack/sdk-base.sh sdk.tar [SUITE]     # SUITE: the Debian release, bookworm by default
#   podman import sdk.tar "$(awk '/^FROM .* AS build$/ { print $2 }' Dockerfile)"
set -euo pipefail
out=$1
suite=${2:-bookworm}
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
ca_bundle=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
icu=$(apt-cache depends libicu-dev 2>/dev/null | sed -n 's/^ *Depends: \(libicu[0-9][0-9]*\)$/\1/p' | head -n 1)

mmdebstrap --quiet --variant=apt --include="gcc,libc6-dev,zlib1g-dev,ca-certificates,${icu:-libicu72}" \
  --customize-hook="copy-in $dotnet_root /usr/lib" \
  --customize-hook="copy-in $ca_bundle /etc/ssl/certs" \
  --customize-hook="ln -s /usr/lib/$(basename "$dotnet_root")/dotnet \"\$1\"/usr/bin/dotnet" \
  "$suite" "$out"
