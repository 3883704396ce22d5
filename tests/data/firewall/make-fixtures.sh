#!/bin/bash
# Regenerates the Linux fixtures of this directory (iptables 1.8.9 and nft
# 1.0.6, Debian 12's). Each ruleset is made in a network namespace of its
# own (unshare -n), so this machine's firewall is never touched. Run as root.
#
# multipass_rules replays set_firewall_rules() of Multipass's
# src/platform/backends/qemu/linux/firewall_config.cpp, argument for argument;
# docker_rules replays the rules dockerd 24 makes for docker0.
set -eu
OUT=$(cd "$(dirname "$0")" && pwd)
BR=mpqemubr0
NET=10.97.0.0/16

multipass_rules() {
	local fw=$1
	local c=(--match comment --comment "generated for Multipass network $BR")
	add() { local t=$1 how=$2 chain=$3; shift 3; $fw --wait -t "$t" "$how" "$chain" "$@" "${c[@]}"; }
	add filter --insert INPUT --in-interface $BR --protocol udp --dport 67 --jump ACCEPT
	add filter --insert INPUT --in-interface $BR --protocol udp --dport 53 --jump ACCEPT
	add filter --insert INPUT --in-interface $BR --protocol tcp --dport 53 --jump ACCEPT
	add filter --insert OUTPUT --out-interface $BR --protocol udp --sport 67 --jump ACCEPT
	add filter --insert OUTPUT --out-interface $BR --protocol udp --sport 53 --jump ACCEPT
	add filter --insert OUTPUT --out-interface $BR --protocol tcp --sport 53 --jump ACCEPT
	add mangle --insert POSTROUTING --out-interface $BR --protocol udp --dport 68 \
		--jump CHECKSUM --checksum-fill
	add nat --insert POSTROUTING --source $NET --destination 224.0.0.0/24 --jump RETURN
	add nat --insert POSTROUTING --source $NET --destination 255.255.255.255/32 --jump RETURN
	add nat --insert POSTROUTING --source $NET ! --destination $NET --protocol tcp \
		--jump MASQUERADE --to-ports 1024-65535
	add nat --insert POSTROUTING --source $NET ! --destination $NET --protocol udp \
		--jump MASQUERADE --to-ports 1024-65535
	add nat --insert POSTROUTING --source $NET ! --destination $NET --jump MASQUERADE
	add filter --insert FORWARD --destination $NET --out-interface $BR --match conntrack \
		--ctstate RELATED,ESTABLISHED --jump ACCEPT
	add filter --insert FORWARD --source $NET --in-interface $BR --jump ACCEPT
	add filter --insert FORWARD --in-interface $BR --out-interface $BR --jump ACCEPT
	add filter --append FORWARD --in-interface $BR --jump REJECT --reject-with icmp-port-unreachable
	add filter --append FORWARD --out-interface $BR --jump REJECT --reject-with icmp-port-unreachable
}

docker_rules() {
	local i=$1
	$i -t nat -N DOCKER
	$i -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
	$i -t nat -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
	$i -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
	$i -t nat -A DOCKER -i docker0 -j RETURN
	$i -N DOCKER
	$i -N DOCKER-ISOLATION-STAGE-1
	$i -N DOCKER-ISOLATION-STAGE-2
	$i -N DOCKER-USER
	$i -P FORWARD DROP
	$i -A FORWARD -j DOCKER-USER
	$i -A FORWARD -j DOCKER-ISOLATION-STAGE-1
	$i -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
	$i -A FORWARD -o docker0 -j DOCKER
	$i -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
	$i -A FORWARD -i docker0 -o docker0 -j ACCEPT
	$i -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
	$i -A DOCKER-ISOLATION-STAGE-1 -j RETURN
	$i -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
	$i -A DOCKER-ISOLATION-STAGE-2 -j RETURN
	$i -A DOCKER-USER -j RETURN
}

# In a namespace of its own: "in_netns 'commands'".
in_netns() {
	unshare -n bash -c "$(declare -f multipass_rules docker_rules); BR=$BR; NET=$NET; $1"
}

in_netns "multipass_rules iptables-nft; iptables-nft-save > '$OUT/iptables-nft-save.multipass';
	nft list ruleset > '$OUT/nft-ruleset.iptables-nft' 2>/dev/null"
in_netns "multipass_rules iptables-legacy; iptables-legacy-save > '$OUT/iptables-legacy-save.multipass';
	iptables-nft-save > '$OUT/iptables-nft-save.legacy-warning' 2>&1"
in_netns "multipass_rules iptables-nft; iptables-nft -t nat -F POSTROUTING;
	iptables-nft-save > '$OUT/iptables-nft-save.nat-missing'"
in_netns "docker_rules iptables-nft; iptables-nft-save > '$OUT/iptables-nft-save.docker'"
in_netns "docker_rules iptables-nft; multipass_rules iptables-legacy;
	iptables-nft-save > '$OUT/iptables-nft-save.docker-and-legacy' 2>&1;
	iptables-legacy-save > '$OUT/iptables-legacy-save.multipass-with-docker'"
in_netns "docker_rules iptables-nft; multipass_rules iptables-nft;
	iptables-nft-save > '$OUT/iptables-nft-save.docker-and-multipass'"
# Rules nft itself holds, with their comments (nft shows comments of its own
# rules; nft 1.0.7 and later also show those of iptables-nft's rules), and
# another table whose forward chain drops by policy.
in_netns "nft -f - <<'NFT'
table ip filter {
	chain FORWARD {
		type filter hook forward priority filter; policy accept;
		iifname \"$BR\" oifname \"$BR\" counter accept comment \"generated for Multipass network $BR\"
		iifname \"$BR\" ip saddr $NET counter accept comment \"generated for Multipass network $BR\"
		oifname \"$BR\" ip daddr $NET ct state related,established counter accept comment \"generated for Multipass network $BR\"
		iifname \"$BR\" counter reject comment \"generated for Multipass network $BR\"
		oifname \"$BR\" counter reject comment \"generated for Multipass network $BR\"
	}
}
table ip nat {
	chain POSTROUTING {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr $NET ip daddr != $NET counter masquerade comment \"generated for Multipass network $BR\"
		ip saddr $NET ip daddr 224.0.0.0/24 counter return comment \"generated for Multipass network $BR\"
	}
}
table inet filter {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
	}
}
NFT
nft list ruleset > '$OUT/nft-ruleset.comments'"

# Rules on the INPUT path that drop the instances' DHCP requests (udp 67)
# before dnsmasq sees them, and look-alikes that do not.
in_netns "multipass_rules iptables-nft;
	iptables-nft -I INPUT -i $BR -p udp -m udp --dport 67 -j DROP;
	iptables-nft-save > '$OUT/iptables-nft-save.dhcp-drop'"
in_netns "multipass_rules iptables-legacy;
	iptables-legacy -I INPUT -p udp --dport 67 -j REJECT --reject-with icmp-port-unreachable;
	iptables-legacy-save > '$OUT/iptables-legacy-save.dhcp-reject'"
in_netns "multipass_rules iptables-nft;
	iptables-nft -I INPUT -i mpqemubr+ -p udp -m multiport --dports 53,67 -j DROP;
	iptables-nft-save > '$OUT/iptables-nft-save.dhcp-multiport'"
in_netns "multipass_rules iptables-nft; iptables-nft -N vt-user-input;
	iptables-nft -A vt-user-input -p tcp --dport 22 -j ACCEPT;
	iptables-nft -A vt-user-input -p udp -m multiport --dports 60:70 -j DROP;
	iptables-nft -I INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT;
	iptables-nft -I INPUT 2 -j vt-user-input;
	iptables-nft-save > '$OUT/iptables-nft-save.dhcp-chain'"
in_netns "multipass_rules iptables-nft; iptables-nft -A INPUT -p udp --dport 67 -j DROP;
	iptables-nft-save > '$OUT/iptables-nft-save.dhcp-accept-first'"
in_netns "multipass_rules iptables-nft; iptables-nft -I INPUT -i $BR -p udp --dport 68 -j DROP;
	iptables-nft-save > '$OUT/iptables-nft-save.dhcp-port68'"
in_netns "multipass_rules iptables-nft; iptables-nft -I INPUT -i eth0 -p udp --dport 67 -j DROP;
	iptables-nft-save > '$OUT/iptables-nft-save.dhcp-other-if'"
# An INPUT policy of DROP in the backend Multipass does not use (ufw's default).
in_netns "iptables-nft -P INPUT DROP; iptables-nft -A INPUT -i lo -j ACCEPT;
	iptables-nft -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT;
	iptables-nft -A INPUT -p tcp --dport 22 -j ACCEPT;
	iptables-nft-save > '$OUT/iptables-nft-save.input-policy-drop'"
# nft's own tables: a drop in any input base chain is final.
in_netns "multipass_rules iptables-nft; nft -f - <<'NFT'
table inet vtblock {
	chain input {
		type filter hook input priority filter; policy accept;
		udp dport 67 drop
	}
}
NFT
nft list ruleset > '$OUT/nft-ruleset.dhcp-drop' 2>/dev/null"
in_netns "nft -f - <<'NFT'
table inet host {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iifname \"mpqemubr*\" udp dport { 67, 68 } accept
		meta l4proto udp th dport 67 drop
	}
}
NFT
nft list ruleset > '$OUT/nft-ruleset.dhcp-accept-first'"
in_netns "nft -f - <<'NFT'
table ip allow {
	chain input {
		type filter hook input priority 0; policy accept;
		iifname \"$BR\" udp dport 67 accept
	}
}
table inet block {
	chain input {
		type filter hook input priority 10; policy accept;
		iifname \"$BR\" meta l4proto udp th dport 60-70 counter reject
	}
}
NFT
nft list ruleset > '$OUT/nft-ruleset.dhcp-reject-other-table'"

# What a user who is not root is told (standard error; the exit status is in the tests).
for c in iptables-save iptables-legacy-save iptables-nft-save; do
	setpriv --reuid=65534 --regid=65534 --clear-groups $c 2> "$OUT/$c.denied.err" >/dev/null || true
done
setpriv --reuid=65534 --regid=65534 --clear-groups nft list ruleset \
	2> "$OUT/nft-ruleset.denied.err" >/dev/null || true
