#!/usr/bin/env bash
# Serve a real community from a laptop on the village network, in the background:
# gunicorn (DEBUG off), the background worker (e-mail and digests) and the clock (`pomochi tick
# --loop`: reminders, digests, mail a stopped worker left), data in ./data/.
# `scripts/laptop.sh start|stop|status`; `make serve` and `make stop` call it.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
HOST=${HOST:-0.0.0.0}
PORT=${PORT:-8000}
export POMOCHI_DATA_DIR=${POMOCHI_DATA_DIR:-$PWD/data}
RUN="$POMOCHI_DATA_DIR/run"
umask 077  # logs name pages visited, invitation links among them: owner only, like the data
mkdir -p "$RUN"

# Plain HTTP on a network of its own: no certificate, so no HTTPS-only cookies or redirect.
export DEBUG=0 SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0
# The laptop's own names and addresses, so phones on the network can reach it by either.
addresses=$(hostname -I 2>/dev/null | tr ' ' ',' | sed 's/,$//')
# Links in e-mail lead here (the worker has no request to read the address from).
export POMOCHI_SITE_URL=${POMOCHI_SITE_URL:-http://$(hostname).local:$PORT}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost,[::1],$(hostname),$(hostname).local${addresses:+,$addresses}}

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

case "${1:-start}" in
start)
    if running "$RUN/gunicorn.pid"; then echo "already serving (pid $(cat "$RUN/gunicorn.pid"))"; exit 0; fi
    touch "$RUN/access.log" "$RUN/error.log" "$RUN/worker.log" "$RUN/tick.log"  # 0600: our umask
    chmod 600 "$RUN"/*.log
    "$BIN/gunicorn" pomochi.wsgi:application --bind "$HOST:$PORT" --workers 2 --threads 4 \
        --daemon --pid "$RUN/gunicorn.pid" --access-logfile "$RUN/access.log" \
        --error-logfile "$RUN/error.log"
    nohup "$BIN/pomochi" db_worker >>"$RUN/worker.log" 2>&1 &
    echo $! >"$RUN/worker.pid"
    nohup "$BIN/pomochi" tick --loop --every 900 >>"$RUN/tick.log" 2>&1 &
    echo $! >"$RUN/tick.pid"
    for _ in $(seq 50); do running "$RUN/gunicorn.pid" && break; sleep 0.1; done
    running "$RUN/gunicorn.pid" || { echo "gunicorn did not start: see $RUN/error.log"; exit 1; }
    echo "serving http://$HOST:$PORT (addresses: ${addresses:-none found}); logs in $RUN; stop with: make stop"
    ;;
stop)
    for name in gunicorn worker tick; do
        if running "$RUN/$name.pid"; then kill "$(cat "$RUN/$name.pid")"; fi
        rm -f "$RUN/$name.pid"
    done
    echo "stopped"
    ;;
status)
    for name in gunicorn worker tick; do
        if running "$RUN/$name.pid"; then echo "$name: running (pid $(cat "$RUN/$name.pid"))"
        else echo "$name: not running"; fi
    done
    ;;
*) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
