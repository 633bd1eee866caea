"""Network namespaces for the kernel oracle: a firewall namespace with one veth per interface,
each leading to a namespace of its own that holds the addresses behind that interface.

Every namespace is named PREFIX-<n>-<role>, PREFIX unique to the run (fgo-<pid>), so the
oracle never touches another run's or another engineer's namespaces; remove_all() deletes
exactly the namespaces this run made. Neighbours are static (no ARP), so a burst of packets
to a new address is never dropped waiting for resolution."""
import ctypes
import os
import subprocess

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def run(args, stdin=None):
    """Runs a command; returns (ok, stderr)."""
    p = subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=60)
    return p.returncode == 0, p.stderr.strip()


def must(args, stdin=None):
    ok, err = run(args, stdin)
    if not ok:
        raise RuntimeError(f"{' '.join(args)}: {err}")


def mac(ns_index, port):
    """Locally administered, unique per (namespace, port) inside one topology."""
    return f"02:f9:00:{ns_index:02x}:{port // 256:02x}:{port % 256:02x}"


def link_address(port):
    """The firewall's own address on interface `port`: 198.18.0.0/15 is kept out of every packet."""
    return f"198.18.{port}.1"


class Topology:
    """The firewall namespace `fw` and one peer namespace per interface (`peers[name]`).

    `placement` maps each address to the interface it sits behind. In router mode the firewall
    forwards between its interfaces; in host mode `host_addrs` are the firewall's own and the
    one interface leads to a peer holding every other address."""

    def __init__(self, prefix, serial, interfaces, placement, host_addrs=(), dummies=()):
        self.prefix = f"{prefix}-{serial}"
        self.fw = f"{self.prefix}-fw"
        self.interfaces = list(interfaces)
        self.peers = {name: f"{self.prefix}-p{i}" for i, name in enumerate(self.interfaces)}
        self.placement = placement
        self.host_addrs = list(host_addrs)
        self.dummies = list(dummies)
        self.created = []

    def namespaces(self):
        return [self.fw] + list(self.peers.values())

    def build(self):
        """Few processes: under a loaded machine each `ip` start costs ~100 ms."""
        self.created = self.namespaces()  # before: remove() also clears a half-made topology
        must(["ip", "-batch", "-"], "".join(f"netns add {ns}\n" for ns in self.created))
        for ns in self.created:
            with Inside(ns):
                # rp_filter would drop the oracle's packets from addresses routed elsewhere.
                for key, value in (("ipv4/conf/all/rp_filter", 0), ("ipv4/conf/default/rp_filter", 0),
                                   ("ipv4/ip_forward", 1)):
                    with open(f"/proc/sys/net/{key}", "w") as f:
                        f.write(str(value))
        fw_cmds = ["link set lo up"]
        for port, name in enumerate(self.interfaces):
            fw_cmds += [f"link add {name} address {mac(0, port)} type veth peer name up0 address {mac(1, port)} "
                        f"netns {self.peers[name]}",
                        f"link set {name} up", f"address add {link_address(port)}/32 dev {name}"]
        for k, name in enumerate(self.dummies):  # interfaces the dump names that no test packet crosses
            fw_cmds += [f"link add {name} type veth peer name fgo-idle{k}", f"link set {name} up"]
        for addr in self.host_addrs:
            fw_cmds.append(f"address add {addr}/32 dev {self.interfaces[0]}")
        for addr, name in sorted(self.placement.items()):
            port = self.interfaces.index(name)
            fw_cmds += [f"route add {addr}/32 dev {name}",
                        f"neigh replace {addr} lladdr {mac(1, port)} dev {name} nud permanent"]
        must(["ip", "-n", self.fw, "-batch", "-"], "\n".join(fw_cmds) + "\n")
        for port, name in enumerate(self.interfaces):
            self.configure_peer(port, name, self.peers[name])

    def configure_peer(self, port, name, peer):
        gw = link_address(port)
        cmds = ["link set lo up", "link set up0 up"]
        cmds += [f"address add {a}/32 dev up0" for a, n in sorted(self.placement.items()) if n == name]
        cmds += [f"neigh replace {gw} lladdr {mac(0, port)} dev up0 nud permanent",
                 f"route add default via {gw} dev up0 onlink"]
        must(["ip", "-n", peer, "-batch", "-"], "\n".join(cmds) + "\n")

    def load(self, dump_text, loader="iptables"):
        """iptables-restore (or, for an nftables ruleset, `nft -f -`; for legacy tables,
        iptables-legacy-restore) in the firewall namespace; returns (ok, error)."""
        tool = {"nft": ["nft", "-f", "-"], "iptables-legacy": ["iptables-legacy-restore"]}.get(loader, ["iptables-restore"])
        return run(["ip", "netns", "exec", self.fw] + tool, dump_text)

    def listing(self, as_json=False):
        """What the kernel holds after load(), as `nft list ruleset` (or `nft -j list ruleset`)
        prints it: iptables-restore is iptables-nft on Debian, so this is the same ruleset in
        nftables syntax. None if nft fails."""
        p = subprocess.run(["ip", "netns", "exec", self.fw, "nft"] + (["-j"] if as_json else []) + ["list", "ruleset"],
                           capture_output=True, text=True, timeout=60)
        return p.stdout if p.returncode == 0 else None

    def namespace_of(self, addr):
        """The namespace that owns `addr` (where its packets start and arrive)."""
        if addr in self.host_addrs:
            return self.fw
        return self.peers[self.placement[addr]]

    def remove(self):
        if self.created:
            run(["ip", "-force", "-batch", "-"], "".join(f"netns delete {ns}\n" for ns in self.created))
        self.created = []


def remove_all(prefix):
    """Deletes every namespace whose name starts with PREFIX- (this run's only)."""
    try:
        names = os.listdir("/run/netns")
    except FileNotFoundError:
        return
    for ns in names:
        if ns.startswith(prefix + "-"):
            run(["ip", "netns", "delete", ns])


class Inside:
    """`with Inside(ns):` creates sockets in namespace `ns`; the thread returns to its own after.
    A socket stays in the namespace it was made in."""

    def __init__(self, ns):
        self.ns = ns

    def __enter__(self):
        self.home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        target = os.open(f"/run/netns/{self.ns}", os.O_RDONLY)
        try:
            if _libc.setns(target, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), f"setns {self.ns}")
        finally:
            os.close(target)

    def __exit__(self, *exc):
        _libc.setns(self.home, CLONE_NEWNET)
        os.close(self.home)
