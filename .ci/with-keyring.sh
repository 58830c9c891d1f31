#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so the OS
# keychain (Secret Service) is real for the tests. HOME is a throwaway folder: the keyring
# writes its files there.
set -euo pipefail
if [ -z "${CONCIERGE_KEYRING_INNER:-}" ]; then
  export HOME="${KEYRING_HOME:-$(mktemp -d /tmp/concierge-home.XXXXXX)}"
  export CONCIERGE_KEYRING_INNER=1
  # dbus-daemon warns that it cannot raise its fd limit when not root-capable; harmless.
  exec dbus-run-session -- "$0" "$@" 2> >(grep -v 'Failed to set fd limit' >&2)
fi
# The password unlocks (and on first use creates) the "login" collection, the default one.
eval "$(printf 'concierge-ci\n' | gnome-keyring-daemon --unlock --components=secrets --daemonize)"
export GNOME_KEYRING_CONTROL
export CONCIERGE_KEYCHAIN_REQUIRED=1
exec "$@"
