# Holder of one lab host: pid 1 of the host's pid namespace, run by
#   ip netns exec NS unshare --mount --uts --pid --fork --propagation private sh holder.sh HOSTDIR NAME
# It builds the host's private root (overlay over the real / with a per-host upper layer), brings
# the host's network up, then stays as the host's init and prints its pid as seen from outside.
set -eu
read -r outside_pid _ < /proc/self/stat  # /proc is still the outer one here
dir=$1 root=$1/root
hostname "$2"

mount -t overlay -o "lowerdir=/,upperdir=$dir/upper,workdir=$dir/work" "ocl-$2" "$root"
mount --bind "$dir/home" "$root/root"
mount --rbind /dev "$root/dev"
mount -t proc proc "$root/proc"
# Kernel-wide knobs stay read-only (a `sysctl --system` inside must not retune the machine);
# net.* is per namespace, so the host may change its own (ip_forward, ...).
mount --bind "$root/proc/sys" "$root/proc/sys"
mount -o remount,bind,ro "$root/proc/sys"
mount --bind "$root/proc/sys/net" "$root/proc/sys/net"
mount -o remount,bind,rw "$root/proc/sys/net"
[ ! -e "$root/proc/sysrq-trigger" ] || mount --bind /dev/null "$root/proc/sysrq-trigger"
mount -t sysfs -o ro sysfs "$root/sys"
mount -t tmpfs -o mode=755 run "$root/run"
mkdir -m 755 "$root/run/sshd"
mount -t tmpfs -o mode=1777 tmp "$root/tmp"

chroot "$root" /etc/opencloud-lab/network-up
# Stay as the host's init: a reaping loop (daemons started inside, like sshd, are reparented to
# it). It reports ready, with the pid startLab needs to enter the host, only once it runs.
exec chroot "$root" perl -e '
  $0 = "ocl-holder";
  print "$ARGV[0]\n";
  open STDOUT, ">", "/dev/null";
  open STDERR, ">", "/dev/null";
  while (1) { wait == -1 and select(undef, undef, undef, 0.2) }
' "$outside_pid" </dev/null
