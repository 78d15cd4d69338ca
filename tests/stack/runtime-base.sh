#!/usr/bin/env bash
# Writes a runtime base image as a tarball, for building the Dockerfile's final stage with no registry:
# Debian's libc6, libgcc-s1, libstdc++6 and libssl3 (what the Native AOT binary links or loads), the CA
# bundle, and a passwd/group with the non-root user 1654 ("app", as in the .NET images); no shell, no
# package manager. Import it under the final stage's FROM name:
#   tests/stack/runtime-base.sh base.tar [SUITE]     # SUITE: the Debian release, bookworm by default
#   podman import base.tar "$(awk '/^FROM /{f=$2} END{print f}' Dockerfile)"
set -euo pipefail
out=$1
suite=${2:-bookworm}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# The extract variant unpacks the packages (and their dependencies) without running any of their scripts,
# so what those would do is done here: the CA bundle that update-ca-certificates would write, the users.
mmdebstrap --quiet --variant=extract --format=directory \
  --include=libc6,libgcc-s1,libstdc++6,libssl3,ca-certificates "$suite" "$root/fs"

cd "$root/fs"
mkdir -p etc/ssl/certs home/app tmp
cat usr/share/ca-certificates/mozilla/*.crt >etc/ssl/certs/ca-certificates.crt
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:1654:1654:app:/home/app:/usr/sbin/nologin\n' >etc/passwd
printf 'root:x:0:\napp:x:1654:\n' >etc/group
chown 1654:1654 home/app
chmod 1777 tmp
# Everything a binary linked against these libraries does not need: the dependencies' programs (openssl,
# debconf's perl scripts), documentation, character-set converters (the exporter runs with invariant
# globalization), the package manager's state, and the build host's resolv.conf and hostname.
rm -rf bin sbin usr/bin usr/sbin usr/share usr/lib/x86_64-linux-gnu/gconv usr/lib/x86_64-linux-gnu/perl5 \
  usr/lib/ssl/misc etc/apt etc/debconf.conf etc/dpkg etc/ca-certificates etc/resolv.conf etc/hostname var
tar --numeric-owner -cf "$out" .
