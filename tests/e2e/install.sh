#!/usr/bin/env bash
# `make install` as a service, into a DESTDIR: the tree, the configuration it installs (and keeps
# on a second install), the systemd unit (systemd-analyze verify, and the exposure score of
# systemd-analyze security), its sysusers.d and tmpfiles.d files applied to the DESTDIR, the man
# pages (groff with every warning), the installed daemon run as an unprivileged user with no
# capabilities as the unit runs it, make uninstall, and the PREFIX=/usr/local layout. Prints TAP.
#
# systemd is not PID 1 in a test container, so the unit is checked offline: verify loads it with
# every setting parsed and its commands and man pages looked up. Its ExecStart names
# /usr/sbin/faxgated, which lives in the DESTDIR here: the copy given to verify differs from the
# installed unit in that one path only (checked), so what is verified is the unit as installed.
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-install-XXXXXX")
trap 'fg_cleanup; [ "$FG_TAP_FAILED" -eq 0 ] && rm -rf "$tmp" || echo "# kept for inspection: $tmp"' EXIT
root=$tmp/root
# make install uses the programs of this build ($build), as they are: it must not rebuild them
mk() { make --no-print-directory -s BUILD="${build#$FG_ROOT/}" "$@"; }

mk install DESTDIR="$root" PREFIX=/usr >"$tmp/install.log" 2>&1
rc=$?
fg_check "make install DESTDIR=… PREFIX=/usr (exit $rc)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$tmp/install.log"
# mode_is PATH MODE: the file exists with that mode
mode_is() { [ -e "$1" ] && [ "$(stat -c %a "$1")" = "$2" ] || { echo "# $1: $(stat -c %a "$1" 2>&1)"; return 1; }; }
fg_check "/usr/sbin/faxgated (0755)" mode_is "$root/usr/sbin/faxgated" 755
fg_check "/usr/bin/faxgatectl and /usr/bin/faxsim (0755)" \
    bash -c "[ \$(stat -c %a '$root/usr/bin/faxgatectl') = 755 ] && [ \$(stat -c %a '$root/usr/bin/faxsim') = 755 ]"
fg_check "/etc/faxgate/faxgate.conf (0644)" mode_is "$root/etc/faxgate/faxgate.conf" 644
fg_check "/var/lib/faxgate and /var/spool/faxgate (0750)" \
    bash -c "[ \$(stat -c %a '$root/var/lib/faxgate') = 750 ] && [ \$(stat -c %a '$root/var/spool/faxgate') = 750 ]"
fg_check "the unit /lib/systemd/system/faxgated.service" mode_is "$root/lib/systemd/system/faxgated.service" 644
fg_check "sysusers.d and tmpfiles.d files in /usr/lib" \
    bash -c "[ -s '$root/usr/lib/sysusers.d/faxgate.conf' ] && [ -s '$root/usr/lib/tmpfiles.d/faxgate.conf' ]"
pages=(man1/faxgatectl.1 man1/faxsim.1 man5/faxgate.conf.5 man8/faxgated.8)
missing=0
for p in "${pages[@]}"; do [ -s "$root/usr/share/man/$p" ] || { echo "# missing: $p"; missing=$((missing + 1)); }; done
fg_check "man pages faxgated.8, faxgatectl.1, faxsim.1, faxgate.conf.5 in /usr/share/man" [ "$missing" -eq 0 ]
extra=$(cd "$root" && find . -type f | sort | grep -vE '^\./(usr/sbin/faxgated|usr/bin/(faxgatectl|faxsim)|etc/faxgate/faxgate\.conf|lib/systemd/system/faxgated\.service|usr/lib/(sysusers|tmpfiles)\.d/faxgate\.conf|usr/share/man/man[158]/[a-z.]+\.[158]|usr/share/doc/faxgate/README\.md)$')
fg_check "nothing else is installed${extra:+: $extra}" [ -z "$extra" ]

# --- the configuration ---
conf=$root/etc/faxgate/faxgate.conf
"$build/faxgated" --config "$conf" --print-config >"$tmp/effective.conf" 2>&1
changed=$(grep -c '    ; changed$' "$tmp/effective.conf")
fg_check "the installed configuration is the defaults but the control socket (/run/faxgate/control)" \
    bash -c "[ $changed -eq 1 ] && grep -q '^socket = /run/faxgate/control    ; changed' '$tmp/effective.conf'"
fg_check "…and documents every key it has (the whole commented defaults file)" \
    [ "$(grep -c '^[a-z_]* =' "$conf")" -eq "$(grep -c '^[a-z_]* =' boards/host/faxgate.conf)" ]
echo "; edited by the operator" >>"$conf"
mk install DESTDIR="$root" PREFIX=/usr >"$tmp/install2.log" 2>&1
fg_check "a second make install keeps the edited configuration, the new defaults beside it" \
    bash -c "grep -q 'edited by the operator' '$conf' && [ -s '$conf.dist' ] && grep -q 'keeping .*faxgate.conf' '$tmp/install2.log'"
rm -f "$conf.dist"

# --- the unit ---
unit=$root/lib/systemd/system/faxgated.service
fg_check "the unit runs /usr/sbin/faxgated --config /etc/faxgate/faxgate.conf as user faxgate, Type=notify" \
    bash -c "grep -qx 'ExecStart=/usr/sbin/faxgated --config /etc/faxgate/faxgate.conf' '$unit' && grep -qx 'User=faxgate' '$unit' && grep -qx 'Type=notify' '$unit'"
fg_check "…with no capabilities and the hardening options" \
    bash -c "for o in CapabilityBoundingSet= NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes PrivateDevices=yes \
        ProtectKernelTunables=yes ProtectKernelModules=yes 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' RestrictNamespaces=yes \
        LockPersonality=yes MemoryDenyWriteExecute=yes SystemCallFilter=@system-service StateDirectory=faxgate \
        RuntimeDirectory=faxgate ReadWritePaths=/var/spool/faxgate; do grep -qx \"\$o\" '$unit' || { echo \"# missing \$o\"; exit 1; }; done"
if command -v systemd-analyze >/dev/null; then
    check=$tmp/check/faxgated.service
    mkdir -p "$tmp/check"
    sed "s|^ExecStart=/usr/sbin/faxgated|ExecStart=$root/usr/sbin/faxgated|" "$unit" >"$check"
    fg_check "the copy to verify differs in ExecStart's path only" \
        [ "$(diff "$unit" "$check" | grep -c '^[<>]')" -eq 2 ]
    # Documentation= is looked up with man(1): the installed pages must be found
    MANPATH=$root/usr/share/man systemd-analyze verify "$check" >"$tmp/verify.log" 2>&1
    rc=$?
    sed 's/^/#   /' "$tmp/verify.log"
    fg_check "systemd-analyze verify accepts the unit, with nothing to say (exit $rc)" \
        bash -c "[ $rc -eq 0 ] && [ ! -s '$tmp/verify.log' ]"
    systemd-analyze security --offline=true "$check" >"$tmp/security.log" 2>&1
    score=$(sed -n 's/.*Overall exposure level for faxgated.service: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p' "$tmp/security.log")
    grep '✗' "$tmp/security.log" | sed 's/  */ /g; s/^/#   /'
    fg_check "systemd-analyze security --offline=true: exposure $score (at most 2.0)" \
        bash -c "[ -n '$score' ] && awk 'BEGIN { exit !(${score%% *} <= 2.0) }'"
else
    fg_skip "systemd-analyze verify and security" "systemd-analyze is not installed (Debian package systemd)"
fi
if command -v systemd-sysusers >/dev/null; then
    systemd-sysusers --root="$root" >"$tmp/sysusers.log" 2>&1 &&
        systemd-tmpfiles --root="$root" --create >>"$tmp/sysusers.log" 2>&1
    rc=$?
    uid=$(awk -F: '$1 == "faxgate" { print $3 }' "$root/etc/passwd" 2>/dev/null)
    fg_check "sysusers.d makes the system user faxgate (uid $uid, no login) and tmpfiles.d its spool" \
        bash -c "[ $rc -eq 0 ] && [ -n '$uid' ] && [ '$uid' -lt 1000 ] && grep -q '^faxgate:.*:/usr/sbin/nologin$' '$root/etc/passwd' && [ \$(stat -c %u '$root/var/spool/faxgate') = '$uid' ]"
else
    fg_skip "sysusers.d and tmpfiles.d applied to the tree" "systemd-sysusers is not installed (Debian package systemd)"
fi

# --- the man pages ---
for p in "${pages[@]}"; do
    warn=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$root/usr/share/man/$p" 2>&1)
    fg_check "groff -man -ww: $(basename "$p") renders with no warning${warn:+: $warn}" [ -z "$warn" ]
done
# every key of the configuration is documented in faxgate.conf(5)
undoc=$(awk '/^\[/ { s = $0 } /^[a-z_]+ =/ { print $1 }' boards/host/faxgate.conf | while read -r k; do
    grep -q "^\.BR $k \|^\.B $k\$" man/faxgate.conf.5 || echo "$k"; done)
fg_check "faxgate.conf(5) documents every key of the configuration${undoc:+; missing: $undoc}" [ -z "$undoc" ]

# --- the installed daemon as the unit runs it: another user, no capabilities, no new privileges ---
# (uid 65534 'nobody' stands in for faxgate: the host has no such user, and a test adds none)
mkdir -p "$tmp/run/lib" "$tmp/run/spool" "$tmp/run/sock" "$tmp/run/printed"
chmod 755 "$tmp"
sed -e "s|^listen = .*|listen = audiosocket://127.0.0.1:0|" -e "s|^db = .*|db = $tmp/run/lib/faxgate.db|" \
    -e "s|^dir = .*|dir = $tmp/run/spool|" -e "s|^socket = .*|socket = $tmp/run/sock/control|" \
    -e "s|^uri = .*|uri = spool:$tmp/run/printed|" -e "s|^workers = .*|workers = 1|" -e "s|^min_free_mb = .*|min_free_mb = 1|" \
    "$conf" >"$tmp/run/faxgate.conf"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    chown -R 65534:65534 "$tmp/run"
    chmod 0750 "$tmp/run/lib" "$tmp/run/spool" "$tmp/run/sock"
    as_service() { setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs --bounding-set=-all --inh-caps=-all "$@"; }
    # started by setpriv itself, not through the function: a function run with & is a subshell, and
    # $! would be that subshell, leaving faxgated running when the test stops it
    setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs --bounding-set=-all --inh-caps=-all \
        "$root/usr/sbin/faxgated" --config "$tmp/run/faxgate.conf" >"$tmp/run/faxgated.log" 2>&1 &
    pid=$!
    FG_PIDS+=("$pid")
    for _ in $(seq 300); do grep -q 'ready: answering' "$tmp/run/faxgated.log" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fg_check "the installed faxgated runs as an unprivileged user with no capabilities" grep -q 'ready: answering' "$tmp/run/faxgated.log"
    fg_check "…its control socket is mode 0660" mode_is "$tmp/run/sock/control" 660
    as_service "$root/usr/bin/faxgatectl" --config "$tmp/run/faxgate.conf" status >"$tmp/run/status.txt" 2>&1
    fg_check "the installed faxgatectl status answers: $(head -1 "$tmp/run/status.txt" | cut -c1-60)…" \
        grep -q '^calls in progress: none' "$tmp/run/status.txt"
    "$root/usr/bin/faxgatectl" --config "$tmp/run/faxgate.conf" status >/dev/null 2>&1
    setpriv --reuid=65533 --regid=65533 --clear-groups "$root/usr/bin/faxgatectl" --config "$tmp/run/faxgate.conf" status \
        >"$tmp/run/denied.txt" 2>&1
    fg_check "another user is turned away with a reason: $(head -1 "$tmp/run/denied.txt")" \
        grep -q 'Permission denied (run as root, or as a member of the' "$tmp/run/denied.txt"
    fg_stop_pid "$pid"
    no_daemon_left() { ! pgrep -f -- "sbin/faxgated --config $tmp/run/faxgate.conf" >/dev/null; }
    fg_check "…and it is stopped with the test (no faxgated left on its configuration)" no_daemon_left
    sed 's/^/#   /' "$tmp/run/faxgated.log" | grep -E ' (error|warn): ' | head
else
    fg_skip "the installed faxgated as an unprivileged user" "needs root and setpriv to switch users"
fi

# --- uninstall, and the default PREFIX ---
mk uninstall DESTDIR="$root" PREFIX=/usr >"$tmp/uninstall.log" 2>&1
left=$(cd "$root" && find . -type f | grep -vE '^\./etc/(faxgate/faxgate\.conf|passwd|group|shadow|gshadow|\.pwd\.lock)-?$' | sort)
fg_check "make uninstall removes the programs, unit and pages, keeps the configuration${left:+; left: $left}" \
    bash -c "[ -z '$left' ] && [ -s '$conf' ]"
mk install DESTDIR="$tmp/local" >"$tmp/install-local.log" 2>&1
fg_check "with the default PREFIX=/usr/local: programs there, the unit in /etc/systemd/system naming them, still /etc/faxgate" \
    bash -c "[ -x '$tmp/local/usr/local/sbin/faxgated' ] && grep -qx 'ExecStart=/usr/local/sbin/faxgated --config /etc/faxgate/faxgate.conf' '$tmp/local/etc/systemd/system/faxgated.service' && [ -s '$tmp/local/etc/faxgate/faxgate.conf' ] && [ -s '$tmp/local/usr/local/share/man/man8/faxgated.8' ]"

echo "# $((FG_TAP_N - FG_TAP_FAILED)) passed, $FG_TAP_FAILED failed"
fg_tap_end
