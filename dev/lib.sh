# shellcheck shell=bash
# Helpers shared by the dev/ scripts. Source it; it defines functions and sets nothing else.
#
# Everything a fresh Debian machine lacks is installed here with apt, by package name. A
# machine that already has a tool is left alone.

df_log() { echo "[$(basename "$0")] $*" >&2; }

df_die() {
  df_log "error: $*"
  exit 1
}

df_require_root() {
  [ "$(id -u)" = 0 ] || df_die "must run as root (it installs packages and runs dockerd)"
}

# Installs the Debian packages named, with no prompt. A first attempt uses the lists already
# on the machine; when that fails (a fresh machine may have none, or stale ones) it refreshes
# them and tries once more.
df_apt_install() {
  [ "$#" -gt 0 ] || return 0
  df_require_root
  df_log "installing with apt: $*"
  local log
  log="$(mktemp /tmp/docker-filter-apt.XXXXXX)"

  # docker.io's maintainer script would start a default dockerd on /var/run/docker.sock with a
  # bridge and iptables rules. A policy-rc.d that answers 101 ("action forbidden") stops every
  # service start during the install; we only add one when the machine has none.
  local added_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# added by docker-filter dev/ scripts during apt-get install\nexit 101\n' \
      >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    added_policy=1
  fi

  local status=0
  df_apt_get install --no-install-recommends "$@" >"$log" 2>&1 || {
    df_apt_get update >>"$log" 2>&1 &&
      df_apt_get install --no-install-recommends "$@" >>"$log" 2>&1
  } || status=$?

  [ "$added_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  if [ "$status" != 0 ]; then
    tail -n 25 "$log" >&2
    rm -f "$log"
    df_die "apt-get install $* failed"
  fi
  rm -f "$log"
}

df_apt_get() {
  DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300 "$@" </dev/null
}

# What the private test engine needs: dockerd (docker.io, which also brings the docker CLI,
# containerd and runc), a statically linked busybox for the test image, and curl to talk to
# the engine's socket; and the tools that validate the deployment files.
df_engine_packages_missing() {
  command -v dockerd >/dev/null 2>&1 || echo docker.io
  dpkg -s busybox-static >/dev/null 2>&1 || echo busybox-static
  command -v curl >/dev/null 2>&1 || echo curl
  # The deployment files' checks (ManifestsIT): compose files and the systemd unit.
  command -v docker-compose >/dev/null 2>&1 || echo docker-compose
  command -v systemd-analyze >/dev/null 2>&1 || echo systemd
  # Load and comparison: h2load drives ResourceLeakIT and bench/run, which also runs HAProxy.
  command -v h2load >/dev/null 2>&1 || echo nghttp2-client
  command -v haproxy >/dev/null 2>&1 || echo haproxy
}

df_ensure_engine_packages() {
  # shellcheck disable=SC2046 # one package name per word
  df_apt_install $(df_engine_packages_missing)
}

# Real client libraries that the integration tests drive through the proxy: docker-py from
# Debian (for /usr/bin/python3) and dockerode from npm, pinned by src/test/clients/node's lock.
df_ensure_client_libraries() {
  local need=()
  /usr/bin/python3 -c 'import docker' >/dev/null 2>&1 || need+=(python3-docker)
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  df_apt_install "${need[@]}"
  local node_dir="$1/src/test/clients/node"
  if [ ! -d "$node_dir/node_modules/dockerode" ]; then
    df_log "installing dockerode with npm ci"
    (cd "$node_dir" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null) ||
      df_die "npm ci in $node_dir failed"
  fi
}

# The build needs a JDK of release 17 or newer and Maven. A machine whose java is older gets
# Debian's OpenJDK 17 and uses it through JAVA_HOME.
df_java_major() {
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  command -v "$java" >/dev/null 2>&1 || {
    echo 0
    return
  }
  "$java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

df_ensure_build_tools() {
  local need=()
  local major
  major="$(df_java_major)"
  if [ "${major:-0}" -lt 17 ] || ! command -v javac >/dev/null 2>&1; then
    need+=(openjdk-17-jdk-headless)
  fi
  command -v mvn >/dev/null 2>&1 || need+=(maven)
  df_apt_install "${need[@]}"
  if [ "${major:-0}" -lt 17 ] && [ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]; then
    export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
    export PATH="$JAVA_HOME/bin:$PATH"
  fi
}

# True when the Docker API at URI (unix:///path or tcp://host:port) answers GET /_ping.
df_ping() {
  local uri="$1"
  case "$uri" in
    unix://*)
      [ -S "${uri#unix://}" ] || return 1
      curl -sf --max-time 3 --unix-socket "${uri#unix://}" http://localhost/_ping 2>/dev/null |
        grep -qx OK
      ;;
    tcp://*)
      curl -sf --max-time 3 "http://${uri#tcp://}/_ping" 2>/dev/null | grep -qx OK
      ;;
    *) return 1 ;;
  esac
}
