#!/bin/sh
# Stops this lab host's listening sshd (open sessions survive, as with a real `service ssh stop`)
# and returns once it is gone.
pid=$(cat /run/sshd.pid 2>/dev/null) || exit 0
rm -f /run/sshd.pid
kill "$pid" 2>/dev/null || exit 0
while kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
