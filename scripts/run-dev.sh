#!/usr/bin/env bash
# `make run`'s last step: the web server, a Celery worker and Celery beat, together.
#
# The address is printed once the server answers. Ctrl-C (SIGINT to the whole foreground
# group) or SIGTERM to this script stops the three in order and waits for them, so nothing
# is left running and the exit is quiet (status 0).
#
# Celery warns "running the worker with superuser privileges" when started as root (a
# container, a CI box). The demo broker is the file system and tasks are JSON only (no
# pickle), so the warning says nothing actionable here: it is silenced for the demo only
# (PYTHONWARNINGS). C_FORCE_ROOT would not help: it only allows pickle under root, the
# warning stays.
set -u
BIN=${BIN:-.venv/bin}
PORT=${PORT:-8000}
export PORTAL_DEV=1 DEBUG=1
if [ "$(id -u)" = 0 ]; then
  export PYTHONWARNINGS="ignore:You're running the worker with superuser privileges${PYTHONWARNINGS:+,$PYTHONWARNINGS}"
fi

pids=()
stopping=0
# Ctrl-C reaches every process of the group at once: each stops on its own SIGINT, and a
# second signal would only interrupt their shutdown (a traceback from beat), so the script
# waits for them, and sends SIGTERM only to those still running after 10 s. A SIGTERM to the
# script alone (make forwards one) is passed on to the three.
stop() {
  [ "$stopping" = 1 ] && return
  stopping=1
  trap '' INT TERM
  if [ "${1:-}" != INT ]; then
    kill -TERM "${pids[@]}" 2>/dev/null
  fi
  for _ in $(seq 1 20); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  kill -TERM "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
  echo "Portal stopped."
  exit 0
}
trap 'stop INT' INT
trap 'stop TERM' TERM

"$BIN/celery" -A portal worker -l warning --concurrency 1 --pool solo \
  --without-gossip --without-mingle --without-heartbeat &
pids+=($!)
"$BIN/celery" -A portal beat -l warning &
pids+=($!)
"$BIN/python" manage.py runserver "127.0.0.1:$PORT" &
pids+=($!)

url="http://127.0.0.1:$PORT/"
probe="${url}healthz"
for _ in $(seq 1 120); do
  if "$BIN/python" -c "import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError:
    pass
except OSError:
    sys.exit(1)" "$probe" 2>/dev/null; then
    echo "Portal: $url  (accounts and password: see README.md; stop with Ctrl-C)"
    break
  fi
  kill -0 "${pids[2]}" 2>/dev/null || { echo "The web server did not start."; stop; }
  sleep 0.5
done

# Wait until a signal arrives or one of the three ends (then stop the others).
while :; do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || stop
  done
  sleep 1 &
  wait $!
done
