#!/usr/bin/env bash
# Runs a command beside a throwaway IMAP server: Dovecot with a config of its own
# in a temporary folder (nothing from /etc/dovecot), plain IMAP (no TLS) on a free
# loopback port, deleted on exit whatever the command's outcome. The command finds
#   LIANJIE_TEST_IMAP           host:port of the IMAP server (IDLE supported)
#   LIANJIE_TEST_MAILDIR        the maildirs' root: one maildir per user, named by
#                               the login; a file put in <root>/<login>/new/ is mail
#                               delivered to that INBOX (write it in tmp/, then rename)
#   LIANJIE_TEST_MAIL_PASSWORD  the password of both users, support@lianjie.test
#                               and customer@example.test
# Uses Debian's dovecot-imapd (scripts/setup.sh installs it). As root, the mail
# belongs to `nobody` (Dovecot refuses uid 0) and the maildirs are world-writable,
# so files the command writes there are Dovecot's to read and move.
#   bash scripts/with-mail.sh cargo test --workspace
set -euo pipefail

dovecot=$(command -v dovecot || echo /usr/sbin/dovecot)
[ -x "$dovecot" ] || { echo "Dovecot is not installed: run scripts/setup.sh" >&2; exit 1; }

dir=$(mktemp -d /tmp/lianjie-mail.XXXXXX)
chmod 755 "$dir"  # Dovecot's unprivileged processes read the users file and the mail
stop() {
  local pid
  pid=$(cat "$dir/run/master.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$dir"
}
trap stop EXIT

if [ "$(id -u)" = 0 ]; then
  mail_user=nobody login_user=dovenull internal_user=dovecot internal_group=dovecot
else  # unprivileged Dovecot runs every process as the invoking user
  mail_user=$(id -un) login_user=$mail_user internal_user=$mail_user internal_group=$(id -gn)
fi
uid=$(id -u "$mail_user") gid=$(id -g "$mail_user")
password=lianjie-test

mkdir -p "$dir/mail"
: >"$dir/users"
for login in support@lianjie.test customer@example.test; do
  mkdir -p "$dir/mail/$login/cur" "$dir/mail/$login/new" "$dir/mail/$login/tmp"
  echo "$login:{PLAIN}$password:$uid:$gid::$dir/mail/$login::" >>"$dir/users"
done
chmod -R a+rwX "$dir/mail"  # not sticky: Dovecot moves the command's files new/ -> cur/

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$dir/dovecot.conf" <<EOF
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = $login_user
default_internal_user = $internal_user
default_internal_group = $internal_group
first_valid_uid = $uid
first_valid_gid = $gid
passdb {
  driver = passwd-file
  args = scheme=PLAIN $dir/users
}
userdb {
  driver = passwd-file
  args = $dir/users
}
mail_location = maildir:$dir/mail/%u
namespace inbox {
  inbox = yes
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
EOF
"$dovecot" -c "$dir/dovecot.conf" >>"$dir/dovecot.log" 2>&1 || { cat "$dir/dovecot.log" >&2; exit 1; }
greeting() { exec 3<>"/dev/tcp/127.0.0.1/$port" && read -r -t 2 line <&3 && [[ $line == "* OK"* ]]; }
for i in $(seq 100); do
  (greeting) 2>/dev/null && break
  [ "$i" = 100 ] && { echo "Dovecot gave no IMAP greeting on port $port within 20s" >&2; cat "$dir/dovecot.log" >&2; exit 1; }
  sleep 0.2
done

export LIANJIE_TEST_IMAP="127.0.0.1:$port"
export LIANJIE_TEST_MAILDIR="$dir/mail"
export LIANJIE_TEST_MAIL_PASSWORD="$password"
echo "throwaway IMAP at $LIANJIE_TEST_IMAP, maildirs in $LIANJIE_TEST_MAILDIR" >&2
"$@"
