#!/usr/bin/env python3
"""Checks the configuration of the image tarball Jib wrote (docker-archive format): a non-root
user, the /data volume the durable history lives in, the entrypoint with its memory flags, the
port, and that the runtime and the hub's classes are inside. Exits 1 with one line per problem."""
import json
import sys
import tarfile

path = sys.argv[1]
problems = []
with tarfile.open(path) as image:
    manifest = json.load(image.extractfile("manifest.json"))[0]
    config = json.load(image.extractfile(manifest["Config"]))["config"]
    files = set()
    for layer in manifest["Layers"]:
        with tarfile.open(fileobj=image.extractfile(layer)) as contents:
            for member in contents.getmembers():
                files.add("/" + member.name.lstrip("./"))
                if member.name.lstrip("./") == "data":
                    data_mode = member.mode

def expect(ok, what):
    if not ok:
        problems.append(what)

user = config.get("User", "")
expect(user and user.split(":")[0] not in ("0", "root"), f"User: {user!r} (expected: a non-root user)")
expect("/data" in config.get("Volumes", {}), f"Volumes: {config.get('Volumes')} (expected: /data)")
expect("3000/tcp" in config.get("ExposedPorts", {}), f"ExposedPorts: {config.get('ExposedPorts')} (expected: 3000/tcp)")
entrypoint = config.get("Entrypoint", [])
expect(entrypoint[:1] == ["/opt/java/bin/java"], f"Entrypoint: {entrypoint} (expected: /opt/java/bin/java first)")
expect(any(a.startswith("-XX:MaxRAMPercentage=") for a in entrypoint), "Entrypoint: no -XX:MaxRAMPercentage (expected: a heap sized to the container)")
expect("-XX:+ExitOnOutOfMemoryError" in entrypoint, "Entrypoint: no -XX:+ExitOnOutOfMemoryError")
expect(entrypoint[-1:] == ["dev.herald.cli.Main"], f"Entrypoint: {entrypoint[-1:]} (expected: dev.herald.cli.Main last)")
expect(config.get("Cmd") == ["serve"], f"Cmd: {config.get('Cmd')} (expected: ['serve'])")
env = dict(e.split("=", 1) for e in config.get("Env", []))
expect(env.get("HERALD_DATA_DIR") == "/data", f"Env HERALD_DATA_DIR: {env.get('HERALD_DATA_DIR')!r} (expected: /data)")
expect(env.get("HERALD_LISTEN") == ":3000", f"Env HERALD_LISTEN: {env.get('HERALD_LISTEN')!r} (expected: :3000)")
expect(config.get("WorkingDir") == "/data", f"WorkingDir: {config.get('WorkingDir')!r} (expected: /data)")
for needed in ("/opt/java/bin/java", "/app/jib-classpath-file", "/etc/passwd", "/tmp", "/data"):
    expect(needed in files, f"{needed}: missing from the layers")
expect(any(f.startswith("/app/classes/dev/herald/cli/Main") for f in files), "/app/classes: no dev/herald/cli/Main")
expect(any("/libc.so" in f for f in files), "no libc in the layers (expected: the runtime's C libraries)")
expect(data_mode & 0o070 == 0o070, f"/data mode {oct(data_mode)} (expected: writable by group 0, the herald user's)")

if problems:
    for p in problems:
        print(f"verify-image: {path}: {p}", file=sys.stderr)
    sys.exit(1)
print(f"verify-image: {path}: user {user}, volume /data, port 3000, entrypoint {' '.join(entrypoint[:5])} ... ok")
