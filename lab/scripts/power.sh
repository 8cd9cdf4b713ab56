#!/bin/sh
# opencloud-lab power stand-in. Installed in a lab host's private root as reboot, shutdown, halt,
# poweroff, telinit and systemctl, so that nothing run inside a lab host can power off the real
# machine: it simulates a reboot of this lab host only.
case "${0##*/}" in
  reboot | shutdown | halt | poweroff | telinit) ;;
  systemctl)
    case " $* " in
      *" reboot "* | *" poweroff "* | *" halt "* | *" kexec "* | *" soft-reboot "*) ;;
      *)
        echo "System has not been booted with systemd as init system (PID 1). Can't operate." >&2
        exit 1
        ;;
    esac
    ;;
  *)
    echo "${0##*/}: not available in an opencloud lab host" >&2
    exit 1
    ;;
esac
setsid /usr/lib/opencloud-lab/simulate-reboot </dev/null >/dev/null 2>&1 &
