#!/bin/sh
# Simulated reboot of this lab host: every process of the host dies, its links go down for the
# delay in /etc/opencloud-lab/reboot-delay (seconds), then its network and sshd come back.
# `kill -1` below is confined to the host's pid namespace: refuse to run anywhere else.
[ "$(cat /proc/1/comm)" = ocl-holder ] || { echo "simulate-reboot: not inside a lab host" >&2; exit 1; }
sleep 0.2 # like systemd, let the `reboot` command return before the sessions die
kill -s KILL -- -1
# A booted host starts with an empty /run (so no reboot-required flag, no stale sshd pid file).
rm -f /var/run/reboot-required
find /run -mindepth 1 -maxdepth 1 ! -name sshd -exec rm -rf {} +
for dev in $(ls /sys/class/net); do
  [ "$dev" = lo ] || ip link set "$dev" down
done
sleep "$(cat /etc/opencloud-lab/reboot-delay 2>/dev/null || echo 2)"
/etc/opencloud-lab/network-up
exec /usr/lib/opencloud-lab/start-sshd
