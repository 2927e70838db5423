#!/bin/sh
# serve-and-fetch [--conf FILE] [--reload] [--] WGET-ARGS…
# Starts nginx (daemonised: a master and its workers) on 127.0.0.1:8080, optionally reloads it
# (new workers, the old ones finish), runs `wget -q WGET-ARGS…` against it, stops nginx gracefully
# and exits with wget's status (8: the server answered with an error).
set -u
conf=/etc/nginx/corpus.conf
reload=no
while [ $# -gt 0 ]; do
  case $1 in
    --conf) conf=$2; shift 2 ;;
    --reload) reload=yes; shift ;;
    --) shift; break ;;
    *) break ;;
  esac
done
nginx -c "$conf" || exit 70
i=0
while [ ! -s /tmp/nginx.pid ]; do
  i=$((i + 1)); [ $i -le 100 ] || { echo "serve-and-fetch: nginx did not start" >&2; exit 70; }
  sleep 0.05
done
if [ $reload = yes ]; then
  nginx -c "$conf" -s reload || exit 70
  sleep 0.3
fi
wget -q "$@"
rc=$?
nginx -c "$conf" -s quit
i=0
while [ -e /tmp/nginx.pid ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.05; done
exit $rc
