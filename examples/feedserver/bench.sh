#!/usr/bin/env bash
# bench.sh measures the requests per second of a 2,000-event feed served by
# feedserver from its cache, next to nginx serving the same bytes from a file
# (sendfile, and gzip_static for the gzipped copy), both on loopback, with
# wrk -t2 -c32 -d10s. Beside them barehttp serves the same bytes with net/http
# and nothing else: the most a Go server gets out of net/http. Each round runs
# the three servers on the plain body, then on the gzipped one, in the order
# nginx, barehttp, feedserver and the reverse in the next round, so that what
# else the machine does falls on all alike. It prints each run, then the
# median of the rounds for each server and the ratios feedserver/nginx (at
# least 0.9 means feedserver keeps up with nginx), barehttp/nginx (net/http's
# own distance) and feedserver/barehttp (what the feed handler costs on top).
# It also prints the CPU time each server spent per request (user and system,
# from /proc), which says more than the rate on a busy machine. It is a
# measurement, not a test: the figures depend on the machine, and it is not
# run in CI.
#
#	apt-get install -y wrk nginx
#	examples/feedserver/bench.sh
#	ROUNDS=5 DURATION=5s examples/feedserver/bench.sh
#	SERVER_CPUS=1 WRK_CPUS=0 examples/feedserver/bench.sh   # pinned
#
# Ports: GO_PORT (default 18080), NGINX_PORT (default 18081) and BARE_PORT
# (default 18082) on 127.0.0.1.
# DURATION (default 10s, in seconds) is each wrk run's length, ROUNDS (default 3) how many
# rounds make a median. SERVER_CPUS and WRK_CPUS (taskset lists such as 1 or
# 0-1; default unpinned) pin both servers to the same CPUs, and wrk to its
# own, so that wrk does not take the servers' CPU time.
set -euo pipefail
cd "$(dirname "$0")/../.."

GO_PORT=${GO_PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
BARE_PORT=${BARE_PORT:-18082}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
SERVER_CPUS=${SERVER_CPUS:-}
WRK_CPUS=${WRK_CPUS:-}
EVENTS=2000

server_pin=() wrk_pin=()
[ -n "$SERVER_CPUS" ] && server_pin=(taskset -c "$SERVER_CPUS")
[ -n "$WRK_CPUS" ] && wrk_pin=(taskset -c "$WRK_CPUS")

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is not installed (apt-get install -y wrk nginx curl)" >&2; exit 1; }
done

tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/feedserver" ./examples/feedserver
go build -o "$tmp/benchdb" ./examples/feedserver/benchdb
go build -o "$tmp/barehttp" ./examples/feedserver/barehttp
"$tmp/benchdb" -db "$tmp/bench.db" -n "$EVENTS" -start 2017-06-10

"${server_pin[@]}" "$tmp/feedserver" -db "$tmp/bench.db" -addr "127.0.0.1:$GO_PORT" -asof 2017-06-10 -max-events "$EVENTS" >"$tmp/feedserver.log" 2>&1 &
pids+=($!)

mkdir -p "$tmp/www" "$tmp/nginx/logs"
chmod 755 "$tmp" "$tmp/www" # nginx workers started by root run as nobody
go_url="http://127.0.0.1:$GO_PORT/calendar.ics"
for _ in $(seq 50); do
  curl -sf -o "$tmp/www/calendar.ics" "$go_url" && break
  sleep 0.2
done
curl -sf -H 'Accept-Encoding: gzip' -o "$tmp/www/calendar.ics.gz" "$go_url"
chmod 644 "$tmp/www/"*
count=$(grep -c '^BEGIN:VEVENT' "$tmp/www/calendar.ics")
if [ "$count" != "$EVENTS" ]; then
  echo "bench.sh: the feed holds $count events, not $EVENTS" >&2; cat "$tmp/feedserver.log" >&2; exit 1
fi

cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  types { text/calendar ics; }
  charset utf-8;
  charset_types text/calendar;
  gzip_static on;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $tmp/www;
  }
}
EOF
"${server_pin[@]}" nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
nginx_url="http://127.0.0.1:$NGINX_PORT/calendar.ics"
for _ in $(seq 50); do curl -sf -o /dev/null "$nginx_url" && break; sleep 0.2; done
cmp <(curl -sf "$nginx_url") "$tmp/www/calendar.ics"
cmp <(curl -sf -H 'Accept-Encoding: gzip' "$nginx_url") "$tmp/www/calendar.ics.gz"

"${server_pin[@]}" "$tmp/barehttp" -addr "127.0.0.1:$BARE_PORT" -file "$tmp/www/calendar.ics" >"$tmp/barehttp.log" 2>&1 &
pids+=($!)
bare_url="http://127.0.0.1:$BARE_PORT/calendar.ics"
for _ in $(seq 50); do curl -sf -o /dev/null "$bare_url" && break; sleep 0.2; done
cmp <(curl -sf "$bare_url") "$tmp/www/calendar.ics"
cmp <(curl -sf -H 'Accept-Encoding: gzip' "$bare_url") "$tmp/www/calendar.ics.gz"

go_pid=${pids[0]} nginx_pid=${pids[1]} bare_pid=${pids[2]}

# cpu PID...: the user and system clock ticks the processes and their
# children (nginx's workers) have spent so far.
cpu() {
  local total=0 pid
  for pid in "$@" $(pgrep -P "$1" || true); do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
  done
  echo "$total"
}

# run NAME URL HEADER PID: one wrk run; appends "NAME rate us_per_request"
# to $tmp/runs and prints it.
run() {
  local before after rate
  before=$(cpu "$4")
  rate=$("${wrk_pin[@]}" wrk -t2 -c32 -d"$DURATION" -H "$3" "$2" | tee -a "$tmp/wrk.log" | awk '/^Requests\/sec:/ { print $2 }')
  after=$(cpu "$4")
  awk -v n="$1" -v r="$rate" -v c=$((after - before)) -v hz="$(getconf CLK_TCK)" -v d="${DURATION%s}" \
    'BEGIN { printf "%s %.0f %.1f\n", n, r, c / hz / (r * d) * 1e6 }' | tee -a "$tmp/runs"
}

# median NAME COLUMN: the median of a column of NAME's runs.
median() {
  awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$tmp/runs" | sort -g |
    awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

echo "feed: $EVENTS events, $(stat -c %s "$tmp/www/calendar.ics") bytes plain, $(stat -c %s "$tmp/www/calendar.ics.gz") bytes gzipped"
echo "wrk -t2 -c32 -d$DURATION on $(nproc) cores, $ROUNDS rounds; GOMAXPROCS ${GOMAXPROCS:-default}; servers on CPUs ${SERVER_CPUS:-any}, wrk on ${WRK_CPUS:-any}"
echo "run: server/encoding, requests/s, CPU microseconds per request"
: >"$tmp/runs"
for round in $(seq "$ROUNDS"); do
  for encoding in identity gzip; do
    header="Accept-Encoding: $encoding"
    # Every other round runs the servers in the reverse order.
    if [ $((round % 2)) = 1 ]; then
      run "nginx/$encoding" "$nginx_url" "$header" "$nginx_pid"
      run "barehttp/$encoding" "$bare_url" "$header" "$bare_pid"
      run "feedserver/$encoding" "$go_url" "$header" "$go_pid"
    else
      run "feedserver/$encoding" "$go_url" "$header" "$go_pid"
      run "barehttp/$encoding" "$bare_url" "$header" "$bare_pid"
      run "nginx/$encoding" "$nginx_url" "$header" "$nginx_pid"
    fi
  done
done
echo "medians of $ROUNDS rounds (requests/s, CPU microseconds per request):"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
for encoding in identity gzip; do
  for server in nginx barehttp feedserver; do
    eval "${server}_rate=\$(median $server/$encoding 2) ${server}_cpu=\$(median $server/$encoding 3)"
  done
  printf '%-8s nginx %6.0f %6.1fus  barehttp %6.0f %6.1fus  feedserver %6.0f %6.1fus  feedserver/nginx %s  barehttp/nginx %s  feedserver/barehttp %s\n' \
    "$encoding" "$nginx_rate" "$nginx_cpu" "$barehttp_rate" "$barehttp_cpu" "$feedserver_rate" "$feedserver_cpu" \
    "$(ratio "$feedserver_rate" "$nginx_rate")" "$(ratio "$barehttp_rate" "$nginx_rate")" "$(ratio "$feedserver_rate" "$barehttp_rate")"
done
