#!/bin/sh
# Starts this lab host's sshd and returns once it listens (sshd writes its pid file after binding).
rm -f /run/sshd.pid
/usr/sbin/sshd -f /etc/opencloud-lab/sshd_config -E /var/log/opencloud-lab-sshd.log || exit 1
tries=0
while [ ! -s /run/sshd.pid ]; do
  tries=$((tries + 1))
  if [ "$tries" -gt 100 ]; then
    echo "sshd did not start; see /var/log/opencloud-lab-sshd.log:" >&2
    tail -n 5 /var/log/opencloud-lab-sshd.log >&2
    exit 1
  fi
  sleep 0.05
done
