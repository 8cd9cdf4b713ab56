#!/usr/bin/env bash
# Runs a command (the test suite) inside a fresh network namespace of its own, so nothing a
# test does can reach any network but loopback and the lab namespaces the tests create.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "isolated.sh: not root; running without network isolation (lab tests will be skipped)" >&2
  exec "$@"
fi
exec unshare --net --fork -- bash -c 'ip link set lo up && export OPENCLOUD_ISOLATED=1 && exec "$@"' isolated "$@"
