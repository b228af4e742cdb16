#!/bin/bash
# The "connection flood" measurement of BENCHMARKS.md: a hub under `ulimit -n NOFILE`, a
# half-open flood of COUNT loopback connections held HOLD seconds (bench/flood.py), the hub's CPU
# time and log lines over the flood, and a normal subscriber that must get in and receive an
# update while the flood is still held. Usage: bench/flood.sh [COUNT=19000] [HOLD=60] [NOFILE=1024]
# (the flood's own process needs COUNT descriptors: keep COUNT under this shell's ulimit -n)
set -u
COUNT=${1:-19000}; HOLD=${2:-60}; NOFILE=${3:-1024}
cd "$(dirname "$0")/.."
JAR=herald-cli/target/herald.jar
[ -f "$JAR" ] || { echo "build it first: mvn -B -q -DskipTests package"; exit 1; }
OUT=$(mktemp -d /tmp/herald-flood.XXXX)
PORT=${PORT:-3999}
SECRET=flood-test-secret-that-is-long-enough-for-hs256
(ulimit -n "$NOFILE"; exec java -jar "$JAR" serve --listen 127.0.0.1:$PORT --history memory \
  --jwt-key "$SECRET" --anonymous --no-demo > "$OUT/hub.log" 2>&1) &
HUB=$!
for _ in $(seq 1 100); do grep -q "limits:" "$OUT/hub.log" 2>/dev/null && break; sleep 0.2; done
grep -E "listening|limits|anonymous" "$OUT/hub.log"
LINES0=$(wc -l < "$OUT/hub.log")
ticks() { awk '{print $14 + $15}' /proc/$HUB/stat; }
HZ=$(getconf CLK_TCK)
T0=$(date +%s.%N); C0=$(ticks)
python3 bench/flood.py $PORT "$COUNT" "$HOLD" > "$OUT/flood.out" &
FLOOD=$!
TOKEN=$(java -jar "$JAR" token --key "$SECRET" --publish '*' 2>/dev/null)
for at in 15 30 45; do
  [ "$at" -ge "$HOLD" ] && break
  sleep $(( at == 15 ? 15 : 15 ))
  ( curl -s -N -m 6 -D "$OUT/sub-$at.head" "http://127.0.0.1:$PORT/.well-known/mercure?topic=https://example.com/flood" > "$OUT/sub-$at.txt" ) &
  SUB=$!
  sleep 2
  curl -s -m 5 -o /dev/null -w "t=${at}s publish: %{http_code}\n" -H "Authorization: Bearer $TOKEN" \
    -d topic=https://example.com/flood -d data=got-in-at-$at "http://127.0.0.1:$PORT/.well-known/mercure"
  wait $SUB
  echo "t=${at}s subscriber: $(head -1 "$OUT/sub-$at.head" | tr -d '\r'), received $(grep -c "data: got-in-at-$at" "$OUT/sub-$at.txt") update(s)"
  echo "t=${at}s hub CPU so far: $(awk -v c="$(ticks)" -v c0="$C0" -v hz="$HZ" -v t0="$T0" -v t="$(date +%s.%N)" 'BEGIN{printf "%.1f%% of one core", 100*(c-c0)/hz/(t-t0)}')"
done
wait $FLOOD
T1=$(date +%s.%N); C1=$(ticks)
cat "$OUT/flood.out"
awk -v c="$C1" -v c0="$C0" -v hz="$HZ" -v t0="$T0" -v t1="$T1" \
  'BEGIN{printf "hub CPU over the flood: %.1f s in %.1f s (%.1f%% of one core)\n", (c-c0)/hz, t1-t0, 100*(c-c0)/hz/(t1-t0)}'
curl -s -m 5 "http://127.0.0.1:$PORT/metrics" | grep -E "^herald_(rejected|timeouts|accept)" | grep -v " 0.0$"
echo "log lines written during the flood: $(( $(wc -l < "$OUT/hub.log") - LINES0 ))"
tail -n +$((LINES0 + 1)) "$OUT/hub.log" | cut -c1-220
kill $HUB; wait $HUB 2>/dev/null
echo "(logs in $OUT)"
