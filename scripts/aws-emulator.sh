#!/usr/bin/env bash
# Starts or stops ministack, the local AWS emulator the AWSClients integration tests run against.
#
#   scripts/aws-emulator.sh start   install ministack (pinned) into .build-emulator/venv, start it on a free
#                                   loopback port with SigV4 checking on, wait until it answers, and print
#                                   `export EMULATOR_AWS_ENDPOINT=...`
#   scripts/aws-emulator.sh stop    stop the emulator this script started
#
# State lives in .build-emulator/: venv/, endpoint (the URL), pid, ministack.log.
set -euo pipefail

MINISTACK_VERSION="1.5.33"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.build-emulator"
VENV="$STATE/venv"
PID_FILE="$STATE/pid"
ENDPOINT_FILE="$STATE/endpoint"
LOG_FILE="$STATE/ministack.log"
READY_ATTEMPTS=100   # × 0.1 s

install_ministack() {
    if [[ -x "$VENV/bin/ministack" ]] && "$VENV/bin/pip" show ministack 2>/dev/null | grep -qx "Version: $MINISTACK_VERSION"; then
        return
    fi
    # stdout carries only the export line, so `eval "$(scripts/aws-emulator.sh start)"` works.
    python3 -m venv "$VENV" >&2
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "ministack==$MINISTACK_VERSION" >&2
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

is_running() {
    [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

start() {
    mkdir -p "$STATE"
    if is_running; then
        echo "export EMULATOR_AWS_ENDPOINT=$(cat "$ENDPOINT_FILE")"
        return
    fi
    install_ministack
    local port endpoint
    port="$(free_port)"
    endpoint="http://127.0.0.1:$port"
    BIND_HOST=127.0.0.1 GATEWAY_PORT="$port" MINISTACK_HOST=127.0.0.1 AUTH=true \
        nohup "$VENV/bin/ministack" >"$LOG_FILE" 2>&1 &
    echo $! >"$PID_FILE"
    for ((attempt = 0; attempt < READY_ATTEMPTS; attempt++)); do
        if curl --silent --fail --max-time 1 "$endpoint/_ministack/health" >/dev/null; then
            echo "$endpoint" >"$ENDPOINT_FILE"
            echo "export EMULATOR_AWS_ENDPOINT=$endpoint"
            return
        fi
        if ! is_running; then
            break
        fi
        sleep 0.1
    done
    echo "ministack did not become ready at $endpoint; its log:" >&2
    tail -n 40 "$LOG_FILE" >&2 || true
    stop
    exit 1
}

stop() {
    if is_running; then
        local pid
        pid="$(cat "$PID_FILE")"
        kill "$pid"
        for ((attempt = 0; attempt < 50; attempt++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$PID_FILE" "$ENDPOINT_FILE"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *)
        echo "usage: $0 start|stop" >&2
        exit 2
        ;;
esac
