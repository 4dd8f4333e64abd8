#!/usr/bin/env bash
# bench.sh measures the requests per second of a 2,000-event feed served by
# feedserver from its cache, next to nginx serving the same bytes from a file,
# both on loopback, with wrk -t2 -c32 -d10s. It runs the pair twice: the plain
# body, then the gzipped one (nginx: gzip_static, the same .gz bytes). It is a
# measurement, not a test: the figures depend on the machine.
#
#	apt-get install -y wrk nginx
#	examples/feedserver/bench.sh
#
# Ports: GO_PORT (default 18080) and NGINX_PORT (default 18081) on 127.0.0.1.
# DURATION (default 10s) is each wrk run's length.
set -euo pipefail
cd "$(dirname "$0")/../.."

GO_PORT=${GO_PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
DURATION=${DURATION:-10s}
EVENTS=2000

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
"$tmp/benchdb" -db "$tmp/bench.db" -n "$EVENTS" -start 2017-06-10

"$tmp/feedserver" -db "$tmp/bench.db" -addr "127.0.0.1:$GO_PORT" -asof 2017-06-10 -max-events "$EVENTS" >"$tmp/feedserver.log" 2>&1 &
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
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
nginx_url="http://127.0.0.1:$NGINX_PORT/calendar.ics"
for _ in $(seq 50); do curl -sf -o /dev/null "$nginx_url" && break; sleep 0.2; done
cmp <(curl -sf "$nginx_url") "$tmp/www/calendar.ics"
cmp <(curl -sf -H 'Accept-Encoding: gzip' "$nginx_url") "$tmp/www/calendar.ics.gz"

# rate URL [HEADER]: wrk's requests per second.
rate() {
  local args=(-t2 -c32 -d"$DURATION" --latency)
  [ $# -gt 1 ] && args+=(-H "$2")
  wrk "${args[@]}" "$1" | tee -a "$tmp/wrk.log" | awk '/^Requests\/sec:/ { print $2 }'
}

echo "feed: $EVENTS events, $(stat -c %s "$tmp/www/calendar.ics") bytes plain, $(stat -c %s "$tmp/www/calendar.ics.gz") bytes gzipped"
echo "wrk -t2 -c32 -d$DURATION on $(nproc) cores; GOMAXPROCS ${GOMAXPROCS:-default}"
for encoding in identity gzip; do
  header="Accept-Encoding: $encoding"
  nginx_rate=$(rate "$nginx_url" "$header")
  go_rate=$(rate "$go_url" "$header")
  ratio=$(awk -v g="$go_rate" -v n="$nginx_rate" 'BEGIN { printf "%.2f", g / n }')
  printf '%-8s nginx %10s req/s   feedserver %10s req/s   feedserver/nginx %s\n' "$encoding" "$nginx_rate" "$go_rate" "$ratio"
done
