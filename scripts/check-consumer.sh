#!/usr/bin/env bash
# Proves that `mvn install` makes herald-client usable from another project: installs Herald into
# a throwaway local repository, builds examples/java-client (which imports herald-bom and depends
# on herald-client) against it, and runs it on a hub started from herald-cli/target/herald.jar
# (built first if the suite has not built it).
# Never touches ~/.m2 beyond reading it: the throwaway repository is seeded from it (a file://
# repository searched before Maven Central), so nothing already there is downloaded again.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seed=${HERALD_SEED_REPO:-$HOME/.m2/repository}
version=0.1.0-SNAPSHOT
work=$(mktemp -d "${TMPDIR:-/tmp}/herald-consumer.XXXXXX")
hub_pid=
main_shell=$BASHPID
cleanup() {
  # Only the script itself cleans up: a subshell that inherited the trap (a CI run saw one) would
  # delete the work directory while the script still reads it.
  [ "$BASHPID" = "$main_shell" ] || return 0
  if [ -n "$hub_pid" ]; then kill "$hub_pid" 2>/dev/null || true; wait "$hub_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "check-consumer: $*" >&2; exit 1; }

cat > "$work/settings.xml" <<XML
<settings>
  <profiles>
    <profile>
      <id>seed</id>
      <repositories>
        <repository><id>seed</id><url>file://$seed</url><snapshots><enabled>false</enabled></snapshots></repository>
      </repositories>
      <pluginRepositories>
        <pluginRepository><id>seed</id><url>file://$seed</url><snapshots><enabled>false</enabled></snapshots></pluginRepository>
      </pluginRepositories>
    </profile>
  </profiles>
  <activeProfiles><activeProfile>seed</activeProfile></activeProfiles>
</settings>
XML
quiet=(-q)
if [ -n "${CHECK_CONSUMER_VERBOSE:-}" ]; then quiet=(-Dorg.slf4j.simpleLogger.showDateTime=true); fi
mvn=(mvn -B -ntp "${quiet[@]}" -s "$work/settings.xml" -Dmaven.repo.local="$work/repo")

# 1. Install the BOM, the client and their parent (the tests ran already).
"${mvn[@]}" install -DskipTests -pl herald-bom,herald-client -am \
  || fail "mvn install into $work/repo failed"
installed="$work/repo/dev/herald/herald-client/$version"
for artifact in "herald-client-$version.jar" "herald-client-$version-sources.jar" "herald-client-$version-javadoc.jar"; do
  [ -f "$installed/$artifact" ] || fail "mvn install did not install $artifact"
done

# 2. Build the consumer from a copy, as another project would, against that repository only.
cp -r examples/java-client "$work/consumer"
(cd "$work/consumer" && "${mvn[@]}" compile) || fail "examples/java-client does not build against the installed herald-bom"

# 3. A hub on a free loopback port.
if [ ! -f herald-cli/target/herald.jar ]; then
  "${mvn[@]}" package -DskipTests -pl herald-cli -am || fail "cannot build herald.jar"
fi
key=check-consumer-secret-at-least-32-bytes-long
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
"$java" -jar herald-cli/target/herald.jar serve --listen 127.0.0.1:0 --jwt-key "$key" \
  --history memory --no-demo > "$work/hub.out" 2> "$work/hub.err" &
hub_pid=$!
hub_url=
for _ in $(seq 1 300); do # up to 30 s
  hub_url=$(sed -n 's/^ *hub: *\(http[^ ]*\)$/\1/p' "$work/hub.out" | head -1)
  [ -n "$hub_url" ] && break
  kill -0 "$hub_pid" 2>/dev/null || fail "the hub exited: $(cat "$work/hub.err")"
  sleep 0.1
done
[ -n "$hub_url" ] || fail "the hub printed no URL within 30 s: $(cat "$work/hub.out" "$work/hub.err")"

# 4. The consumer publishes and subscribes; it fails unless it receives what it published.
out=$(timeout 60 "$java" -cp "$work/consumer/target/classes:$installed/herald-client-$version.jar" Main "$hub_url" "$key") \
  || fail "the consumer failed against $hub_url"
case "$out" in
  "received urn:uuid:"*': {"stock":3}') echo "check-consumer: $out"; echo "check-consumer: 1 passed, 0 failed" ;;
  *) fail "unexpected output: $out" ;;
esac
