#!/usr/bin/env bash
# tests/dnssd.sh start|stop STATE — DNS-SD for ippeveprinter: a system D-Bus and avahi-daemon.
#   start  asks both daemons over D-Bus whether they are alive (a pid file, a socket file or a
#          process name can belong to a dead daemon), starts what is missing (root only; avahi is
#          confined to the loopback interface) and writes what it started into STATE. Exit 1, with
#          the reason on stdout, if DNS-SD cannot be had.
#   stop   stops what STATE says was started, nothing else.
set -u
cmd=${1:-} state=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
[ -n "$state" ] || { echo "usage: $0 start|stop STATE-FILE"; exit 2; }

bus_ok() {
    dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.GetId >/dev/null 2>&1
}
avahi_ok() {
    dbus-send --system --print-reply --dest=org.freedesktop.Avahi / \
        org.freedesktop.Avahi.Server.GetVersionString >/dev/null 2>&1
}
wait_ok() {
    for _ in $(seq 100); do "$1" && return 0; sleep 0.1; done
    return 1
}

case $cmd in
start)
    : >"$state"
    if ! bus_ok; then
        [ "$(id -u)" = 0 ] || { echo "no system D-Bus is running, and only root can start one"; exit 1; }
        mkdir -p /run/dbus
        rm -f /run/dbus/pid /run/dbus/system_bus_socket   # left by a bus that died
        pid=$(dbus-daemon --system --fork --print-pid) || { echo "cannot start dbus-daemon --system"; exit 1; }
        echo "dbus $pid" >>"$state"
        wait_ok bus_ok || { echo "the system D-Bus did not come up"; exit 1; }
    fi
    if ! avahi_ok; then
        [ "$(id -u)" = 0 ] || { echo "avahi-daemon is not running, and only root can start it"; exit 1; }
        rm -f /run/avahi-daemon/pid
        avahi-daemon -D -f "$here/avahi-loopback.conf" >/dev/null 2>&1 || { echo "cannot start avahi-daemon"; exit 1; }
        echo "avahi" >>"$state"
        wait_ok avahi_ok || { echo "avahi-daemon did not come up"; exit 1; }
    fi
    ;;
stop)
    [ -f "$state" ] || exit 0
    # avahi first: it needs the bus to shut down cleanly
    grep -q '^avahi' "$state" && avahi-daemon -k >/dev/null 2>&1
    pid=$(sed -n 's/^dbus //p' "$state")
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        rm -f /run/dbus/pid /run/dbus/system_bus_socket
    fi
    rm -f "$state"
    ;;
*)
    echo "usage: $0 start|stop STATE-FILE"
    exit 2
    ;;
esac
