#!/bin/sh
# make run: show wren working in the guest, layer by layer, bottom up.
. /run/wren.env
say() { printf '\n=== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "The LAN adapter and its driver: QEMU's e1000, driven by wren_e1000"
run ethtool -i eth0
run ip -br link show eth0
run ethtool -g eth0

say "Linux's own stack over wren_e1000, to the peer (virtio-net in netns 'peer')"
ip addr add 192.0.2.1/24 dev eth0
ip -n peer addr add 192.0.2.2/24 dev peer0
run ping -c 3 -i 0.2 192.0.2.2
if command -v wt-xfer >/dev/null; then
	ip netns exec peer wt-xfer recv 5001 --once > /tmp/recv.txt &
	sleep 0.5
	run wt-xfer send 192.0.2.2 5001 16777216
	wait
	printf 'peer received: %s\n' "$(cat /tmp/recv.txt)"
fi
run ip -s link show eth0
run sh -c "ethtool -S eth0 | head -n 12"
ip addr flush dev eth0

if [ -d /proc/net/wren ] && command -v wrenctl >/dev/null; then
	say "wren: the stack in wren.ko, attached to eth0 as 192.0.2.1"
	run wrenctl link attach eth0
	run wrenctl addr add 192.0.2.1/24 dev eth0
	run wrenctl link show
	run wrenctl route show
	if command -v wrenping >/dev/null; then
		run wrenping -c 3 -i 0.2 192.0.2.2
	fi
	say "the peer's Linux pings wren"
	run ip netns exec peer ping -c 3 -i 0.2 192.0.2.1
	run wrenctl arp show

	say "TCP over wren: a wren client sends 16 MiB to Linux in the peer namespace"
	rm -f /tmp/ready
	ip netns exec peer wt-xfer recv --once --ready /tmp/ready 5002 > /tmp/recv2.txt &
	while [ ! -e /tmp/ready ]; do sleep 0.1; done
	run wt-xfer send --family wren 192.0.2.2 5002 16777216
	wait
	printf 'peer received: %s\n' "$(cat /tmp/recv2.txt)"

	say "a socket is control information in wren's memory: wrenstat shows it"
	rm -f /tmp/ready
	wt-xfer recv --family wren --once --ready /tmp/ready 5003 > /dev/null &
	while [ ! -e /tmp/ready ]; do sleep 0.1; done
	run wrenstat -t -a -n
	ip netns exec peer sh -c 'sleep 3 | socat - TCP:192.0.2.1:5003' &
	sleep 1.5
	run wrenstat -t -a -n
	run cat /proc/net/wren/tcp
	wait
	run wrenstat -s
	wrenctl link detach eth0
fi
say "done"
