# Sourced by scripts/test and .ci/run: make sure PostgreSQL and Redis answer, starting them if installed.
pg_up() { python3 - <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", 5432)) == 0 else 1)
PY
}
redis_up() { python3 - <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(); s.settimeout(1)
try:
    s.connect(("127.0.0.1", 6379)); s.sendall(b"PING\r\n"); sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
except OSError:
    sys.exit(1)
PY
}
wait_for() { for _ in $(seq 1 30); do "$1" && return 0; sleep 1; done; return 1; }

ensure_services() {
  local missing=()
  if ! pg_up; then
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
      echo "starting PostgreSQL"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
      wait_for pg_up || missing+=("PostgreSQL (installed but would not start)")
    else
      missing+=("PostgreSQL (not installed: apt-get install postgresql; needs database 'test' with trust auth on 127.0.0.1:5432)")
    fi
  fi
  if ! redis_up; then
    if command -v redis-server >/dev/null 2>&1; then
      echo "starting Redis"
      mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
      redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
      wait_for redis_up || missing+=("Redis (installed but would not start)")
    else
      missing+=("Redis (not installed: apt-get install redis-server)")
    fi
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    for item in "${missing[@]}"; do echo "missing: $item" >&2; done
    if [ "${CI:-}" = "true" ]; then
      echo "error: with CI=true the PostgreSQL and Redis suites are mandatory" >&2
      return 1
    fi
    echo "warning: the suites that need them will be skipped" >&2
  fi
  return 0
}
