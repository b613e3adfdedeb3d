#!/bin/sh
# A quick look at the guest's wiring: NICs, drivers, peers, one ping.
. /run/wren.env
cat /run/wren.env
ip -br link
ip -n peer -br link
for d in /sys/class/net/eth*; do
	[ -e "$d" ] && ethtool -i "${d##*/}" | head -n 1
done
ip addr add 192.0.2.1/24 dev eth0
ip -n peer addr add 192.0.2.2/24 dev peer0
ping -c 2 -W 2 192.0.2.2
qmon info network
