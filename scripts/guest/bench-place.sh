# Sourced by bench-drv.sh and bench-tcp.sh: where each side of a benchmark
# runs.  The guest has two vCPUs and plays two hosts: the side under test
# (its program and eth0's interrupt) on one CPU, the Linux peer in netns
# "peer" (its program and the virtio NIC's interrupts) on the other.  Left
# to the scheduler, the two programs sometimes share a CPU and sometimes not,
# and a bulk run then lands at one of two speeds ~40% apart, whichever stack
# or driver is measured; placed, runs repeat within a few percent.
#   wt.bench_place=G,P   CPUs of the guest's side and of the peer (default
#                        0,1); wt.bench_place=none leaves it to Linux.
# Sets $G and $P, the prefixes of the two sides' commands, and defines
# place_irqs, to be called whenever eth0 (re)appears.
place=0,1
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	wt.bench_place=*) place=${arg#wt.bench_place=} ;;
	esac
done
G= P=
if [ "$place" != none ] && [ -d /sys/devices/system/cpu/cpu${place%,*} ] &&
   [ -d /sys/devices/system/cpu/cpu${place#*,} ]; then
	G="taskset -c ${place%,*}" P="taskset -c ${place#*,}"
else
	place=none
fi

place_irqs() {
	[ "$place" = none ] && return 0
	for irq in $(awk '/ eth0$/ { sub(":", "", $1); print $1 }' /proc/interrupts); do
		echo "${place%,*}" > /proc/irq/$irq/smp_affinity_list
	done
	for irq in $(awk '/ virtio[0-9]*-/ { sub(":", "", $1); print $1 }' /proc/interrupts); do
		echo "${place#*,}" > /proc/irq/$irq/smp_affinity_list
	done 2> /dev/null
}
