#!/usr/bin/env bash
# The web admin over https (#13): [web] listen = https://… with [web] cert and key, through
# libmicrohttpd's GnuTLS, on loopback, with curl. Prints TAP. Needs openssl; no printer, no avahi.
#   1. a missing, unreadable, non-PEM or mismatched certificate or key stops faxgated with an
#      error that names the setting and the file
#   2. with a self-signed certificate: curl trusting it logs in and gets a Secure, HttpOnly
#      cookie, and with it the pages; curl not trusting it is refused; plain http on that port
#      gets no page
#   3. the same-origin check takes https://HOST:PORT and refuses http://HOST:PORT
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-webtls-XXXXXX")
trap 'fg_cleanup; [ "$FG_TAP_FAILED" -eq 0 ] && rm -rf "$tmp" || echo "# kept for inspection: $tmp"' EXIT
mkdir -p "$tmp/printed"
conf() {   # conf DIR [MORE]: a loopback gateway with the web admin on https
    fg_local_conf "$1/faxgate.db" "$1" "$1/printed"
    printf '[line]\nlisten = audiosocket://127.0.0.1:0\n[web]\nlisten = https://127.0.0.1:0\n%s\n' "${2:-}"
}
# refused LABEL DIR MORE PATTERN: faxgated with that [web] configuration exits at start, its log
# matching PATTERN; the label shows the error it gave
refused() {
    local label=$1 dir=$tmp/$2 rc=1 said
    mkdir -p "$dir"
    conf "$dir" "$3" >"$dir/faxgate.conf"
    ! timeout 20 "$build/faxgated" --config "$dir/faxgate.conf" >"$dir/log" 2>&1 && grep -q "$4" "$dir/log" && rc=0
    said=$(grep -m1 'web admin' "$dir/log" | sed 's/.*web admin[^:]*: //' | cut -c1-160)
    fg_check "$label ($said)" [ $rc = 0 ]
}

openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 2 \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >"$tmp/openssl.log" 2>&1
openssl genrsa -out "$tmp/other-key.pem" 2048 >>"$tmp/openssl.log" 2>&1
fg_check "openssl made a self-signed certificate for 127.0.0.1, its key, and another key" \
    test -s "$tmp/cert.pem" -a -s "$tmp/key.pem" -a -s "$tmp/other-key.pem"

# --- 1. what stops it ---
refused "https without [web] cert is refused, saying so" nocert "key = $tmp/key.pem" '\[web\] cert is empty'
refused "a certificate file that is not there is named" missing "cert = $tmp/nowhere.pem
key = $tmp/key.pem" "\[web\] cert = $tmp/nowhere.pem: cannot read it: No such file"
cp "$tmp/key.pem" "$tmp/locked.pem"
chmod 000 "$tmp/locked.pem"
refused "a key path that is a folder is named" folderkey "cert = $tmp/cert.pem
key = $tmp" "\[web\] key = $tmp: Is a directory"
if [ "$(id -u)" = 0 ]; then
    fg_skip "an unreadable key file is named" "root reads any file"
else
    refused "an unreadable key file is named" locked "cert = $tmp/cert.pem
key = $tmp/locked.pem" "\[web\] key = $tmp/locked.pem: cannot read it: Permission denied"
fi
refused "a key that is not the certificate's is refused at start" wrongkey "cert = $tmp/cert.pem
key = $tmp/other-key.pem" "\[web\] key = $tmp/other-key.pem is not the private key of the certificate"
printf 'not a certificate\n' >"$tmp/junk.pem"
refused "a file that is not PEM is refused" junk "cert = $tmp/junk.pem
key = $tmp/key.pem" "not a PEM certificate and its private key"

# --- 2. https ---
conf "$tmp" "cert = $tmp/cert.pem
key = $tmp/key.pem" >"$tmp/faxgate.conf"
printf 'operator password\n' | "$build/faxgatectl" --config "$tmp/faxgate.conf" user add olga --role operator >/dev/null
fg_check "faxgated starts with the web admin on https" fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated.log"
web=$(sed -n 's/.*web admin on \(https:[^ ]*\) .*/\1/p' "$tmp/faxgated.log" | head -1)
fg_check "it logs its https address ($web)" bash -c "[[ '$web' =~ ^https://127\.0\.0\.1:[1-9][0-9]*$ ]]"
tls() { curl -s --cacert "$tmp/cert.pem" "$@"; }
fg_check "curl trusting the certificate gets the login page (200)" \
    [ "$(tls -o /dev/null -w '%{http_code}' "$web/login")" = 200 ]
fg_check "curl not trusting it is refused by the TLS check (exit 60)" \
    bash -c "curl -s -o /dev/null '$web/login'; [ \$? = 60 ]"
login=$(tls -D - -o /dev/null -c "$tmp/olga.jar" -d 'name=olga&password=operator+password' "$web/login")
fg_check "login over https: 303 with a Secure, HttpOnly, SameSite=Strict cookie" \
    bash -c "grep -q '^HTTP/1.1 303' <<<\"\$1\" &&
             grep -qi '^Set-Cookie: fg_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict; Max-Age=[0-9]*; Secure' <<<\"\$1\"" _ "$login"
fg_check "the cookie jar marks it secure (TRUE in its fourth field)" \
    bash -c "awk '\$6 == \"fg_session\" {print \$4}' '$tmp/olga.jar' | grep -qx TRUE"
fg_check "with it, the pages open (/calls, /status: 200)" \
    [ "$(tls -o /dev/null -w '%{http_code}' -b "$tmp/olga.jar" "$web/calls")$(tls -o /dev/null -w '%{http_code}' -b "$tmp/olga.jar" "$web/status")" = 200200 ]
port=${web##*:}
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/login"); rc=$?
fg_check "plain http to that port gets no page (curl exit $rc, status $code)" [ "$rc" != 0 -a "$code" = 000 ]

# --- 3. origins ---
csrf=$(tls -b "$tmp/olga.jar" "$web/calls" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="\(.*\)"/\1/')
fg_check "a form from http://127.0.0.1:$port (not this origin: another scheme) is refused (403)" \
    [ "$(tls -o /dev/null -w '%{http_code}' -b "$tmp/olga.jar" -H "Origin: http://127.0.0.1:$port" -d "csrf=$csrf" "$web/logout")" = 403 ]
out=$(tls -D - -o /dev/null -b "$tmp/olga.jar" -H "Origin: https://127.0.0.1:$port" -d "csrf=$csrf" "$web/logout")
fg_check "one from https://127.0.0.1:$port is taken: logout 303, the cookie cleared, Secure too" \
    bash -c "grep -q '^HTTP/1.1 303' <<<\"\$1\" && grep -qi '^Set-Cookie: fg_session=;.*Max-Age=0; Secure' <<<\"\$1\"" _ "$out"
fg_check "faxgated is still up" kill -0 "$FG_GATEWAY_PID"
fg_tap_end
