#!/usr/bin/env bash
# Builds the container image as a tarball without a Docker daemon or a registry, then checks its
# configuration: target/herald-image.tar in herald-cli (load it with `docker load -i` or
# `podman load -i`). With podman installed it also runs the image, once with io_uring blocked by
# a seccomp profile, and checks the hub answers and fell back to epoll.
#   scripts/image.sh            build + verify (+ run with podman when present)
#   scripts/image.sh --verify   verify an existing tarball only
set -euo pipefail
cd "$(dirname "$0")/.."
cli=herald-cli/target
tar="$cli/herald-image.tar"

if [ "${1:-}" != "--verify" ]; then
  java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
  root="$cli/image-root"
  rm -rf "$root"
  mkdir -p "$root/opt" "$root/data" "$root/tmp" "$root/etc"
  # A runtime of only the modules Herald uses (java.sql: SQLite; jdk.unsupported: Netty;
  # jdk.crypto.ec: TLS with EC keys; jdk.management: the process meters), about 50 MB.
  "$java_home/bin/jlink" --output "$root/opt/java" --strip-debug --no-header-files \
    --no-man-pages --compress=2 \
    --add-modules java.base,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,java.desktop,jdk.crypto.ec,jdk.management,jdk.unsupported,jdk.zipfs,jdk.naming.dns
  # The C libraries the runtime and Netty's, SQLite's and BoringSSL's natives link against,
  # taken from this machine at their own paths (glibc >= 2.34 has its NSS files built in).
  for lib in $( { ldd "$root/opt/java/bin/java"; find "$root/opt/java" -name '*.so' -exec ldd {} \; ; } \
      2>/dev/null | grep -o '/[^ ]*' | sort -u); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  # Natives unpacked at run time (SQLite's, Netty's) are not there for ldd to see: add glibc's
  # usual companions.
  for extra in libpthread.so.0 libdl.so.2 libm.so.6 librt.so.1 libresolv.so.2 libz.so.1 \
      libgcc_s.so.1 libstdc++.so.6; do
    lib="/lib/x86_64-linux-gnu/$extra"
    if [ -e "$lib" ]; then mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; fi
  done
  # The user the hub runs as; group 0 owns /data (Jib owns every file by root).
  printf 'root:x:0:0:root:/root:/sbin/nologin\nherald:x:65532:0:herald:/data:/sbin/nologin\n' > "$root/etc/passwd"
  printf 'root:x:0:\nherald:x:65532:\n' > "$root/etc/group"
  mvn -B -ntp -q -pl herald-cli -am package -Pimage -DskipTests -Djib.disableUpdateChecks=true
fi

python3 scripts/verify-image.py "$tar"

if [ "${HERALD_IMAGE_RUN:-1}" = 1 ] && command -v podman >/dev/null && podman info >/dev/null 2>&1; then
  scripts/run-image.sh "$tar"
fi
