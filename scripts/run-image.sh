#!/usr/bin/env bash
# Runs the image tarball with podman the way a locked-down container host would: io_uring
# blocked by a seccomp profile, a read-only root file system, the durable history in a volume
# at /data. Checks the hub fell back to epoll, runs as its own user, and publishes and delivers.
#   scripts/run-image.sh herald-cli/target/herald-image.tar
set -euo pipefail
tar="$1"
image=localhost/herald:run-image-check
work="$(mktemp -d)"
name="herald-image-check-$$"
cleanup() {
  podman rm -f "$name" >/dev/null 2>&1 || true
  podman rmi -f "$image" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

loaded="$(podman load -q -i "$tar" | sed -n 's/^Loaded image: //p')"
podman tag "$loaded" "$image"
# Hosts differ: cgroup v1/hybrid needs runc and cgroupfs, and podman's own nofile/nproc
# defaults may exceed what this process may set; ask for what we already have.
podman_run=(podman --runtime "${PODMAN_RUNTIME:-runc}" --cgroup-manager=cgroupfs run)
limits=(--ulimit "nofile=$(ulimit -n):$(ulimit -n)" --ulimit "nproc=4096:4096")

cat > "$work/seccomp.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["io_uring_setup", "io_uring_enter", "io_uring_register"],
               "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
JSON
mkdir -m 775 "$work/data"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
key=an-image-check-secret-that-is-long-enough
"${podman_run[@]}" -d --name "$name" --network host "${limits[@]}" \
  --security-opt seccomp="$work/seccomp.json" --read-only --tmpfs /tmp \
  -v "$work/data:/data" -e HERALD_LISTEN="127.0.0.1:$port" -e HERALD_JWT_KEY="$key" \
  -e HERALD_LOG_FORMAT=json "$image" >/dev/null

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { podman logs "$name"; echo "run-image: the hub did not answer /healthz" >&2; exit 1; }

token="$("${podman_run[@]}" --rm "${limits[@]}" --network none "$image" token --key "$key" --publish '*')"
curl -sN --max-time 5 "http://127.0.0.1:$port/.well-known/mercure?topic=image-check" > "$work/stream" &
reader=$!
sleep 1
curl -fsS -H "Authorization: Bearer $token" -d topic=image-check -d data=from-the-container \
  "http://127.0.0.1:$port/.well-known/mercure" >/dev/null
wait "$reader" || true
logs="$(podman logs "$name" 2>&1)"
owner="$(stat -c %u "$(find "$work/data" -type f | head -1)")"
podman stop -t 15 "$name" >/dev/null

fail=0
grep -q 'data: from-the-container' "$work/stream" || { echo "run-image: the subscriber got no update" >&2; fail=1; }
grep -q 'io_uring unavailable' <<<"$logs" && grep -q 'using epoll' <<<"$logs" \
  || { echo "run-image: no fallback to epoll in the logs: $logs" >&2; fail=1; }
grep -q '^{.*"level":"INFO"' <<<"$logs" || { echo "run-image: logs are not JSON lines: $logs" >&2; fail=1; }
[ "$owner" = 65532 ] || { echo "run-image: /data files owned by uid $owner (expected: 65532)" >&2; fail=1; }
[ "$fail" = 0 ] && echo "run-image: io_uring blocked -> epoll, JSON logs, /data owned by 65532, publish delivered: ok"
exit "$fail"
