"""The oracle's cases: a dump, where it is loaded (router: FORWARD between interfaces; host:
INPUT/OUTPUT of its own addresses), the deployment flowgap reads it with, and the packets."""
import ipaddress
import os
import re

import generate

KEPT_TABLES = {"filter": ("filter",), "all": ("filter", "raw", "mangle", "security")}
LINK = ipaddress.ip_network("198.18.0.0/15")  # the namespaces' own link and placeholder addresses
PLACEHOLDER = "198.19.{}.1"


class Case:
    def __init__(self, name, kind, dump, interfaces=None, hosts=(), roles=None, deployment=None,
                 firewall="fw", placement=None):
        self.name = name
        self.kind = kind                  # "router" or "host"
        self.dump = dump                  # the text loaded into the kernel and read by flowgap
        self.interfaces = interfaces or {}   # router: {name: [prefixes]} as the deployment says
        self.hosts = list(hosts)          # host: the firewall's own addresses
        self.roles = roles                # a written deployment's roles (None: `deployment` given)
        self.deployment = deployment      # a fixture's deployment text, config paths to rewrite
        self.firewall = firewall
        self.placement = placement or {}  # address -> interface, where the case chooses it
        self.dummies = []                 # interfaces the dump names that no packet crosses
        self.loader = "iptables"          # or "nft": the dump is an nftables ruleset
        self.packets = []
        self.dnat = []                    # one-to-one DNATs whose packets are sent as translated
        self.beside = None                # (dump, its nft listing): loaded with iptables-nft beside a legacy dump


def usable(addr):
    """An address the oracle can send from and to: unicast, not loopback/link-local/reserved, not
    in 0.0.0.0/8 (martians the kernel drops before any rule) and not the namespaces' own."""
    a = ipaddress.ip_address(addr)
    return a.version == 4 and not (a.is_multicast or a.is_loopback or a.is_link_local or a.is_reserved
                                   or a.is_unspecified or a in ipaddress.ip_network("0.0.0.0/8")
                                   or a == ipaddress.ip_address("255.255.255.255") or a in LINK)


def select_tables(text, mode, nat=False):
    """The dump with only the tables the mode compares. nat is left out (it rewrites the tuple the
    oracle observes) except for the DNAT cases (`nat`), whose packets are sent as translated."""
    out, keep = [], False
    for line in text.replace("\ufeff", "").replace("\r", "").split("\n"):
        if line.startswith("*"):
            keep = line[1:].strip() in KEPT_TABLES[mode] + (("nat",) if nat else ())
        if keep:
            out.append(line)
    return "\n".join(out) + "\n"


ADDR = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?:/(\d{1,2}(?:\.\d{1,3}){0,3}))?(?![\d.])")
NFT_PORT = re.compile(r"[sd]port (?:[!<>=]+ )?\{? ?([\d, -]+)")
PORT = re.compile(r"--(?:dports?|sports?|destination-ports?|source-ports?) ([\d,:]+)")


def dump_addresses(text, rng, limit=40):
    """Addresses around the dump's own prefixes: first, last, one inside, the neighbours outside."""
    prefixes = sorted({(m[1], m[2] or "32") for m in ADDR.finditer(text)})
    if len(prefixes) > limit:  # a 5000-rule dump: a sample of its prefixes is plenty
        prefixes = rng.sample(prefixes, limit)
    found = set()
    for addr, length in prefixes:
        try:
            net = ipaddress.ip_network(f"{addr}/{length}", strict=False)
        except ValueError:
            continue
        first, last = int(net.network_address), int(net.broadcast_address)
        for a in (first, last, first + rng.randrange(net.num_addresses), first - 1, last + 1):
            if 0 < a < 1 << 32 and usable(str(ipaddress.ip_address(a))):
                found.add(str(ipaddress.ip_address(a)))
    found = sorted(found)
    return rng.sample(found, limit) if len(found) > limit else found


def dump_ports(text):
    ports = set(generate.PORTS)
    for m in NFT_PORT.finditer(text):  # nft: `tcp dport 17472`, `th dport { 80, 443 }`, `< 1024`
        for p in re.split(r"[, -]+", m[1]):
            if p.isdigit() and 0 < int(p) < 65536:
                ports.update(q for q in (int(p) - 1, int(p), int(p) + 1) if 0 < q < 65536)
    for m in PORT.finditer(text):
        for p in re.split(r"[,:]", m[1]):
            if p.isdigit() and 0 < int(p) < 65536:
                ports.update(q for q in (int(p) - 1, int(p), int(p) + 1) if 0 < q < 65536)
    return sorted(ports)


def interface_names(text):
    """Interfaces the dump names (-i/-o), most used first; a wildcard eth+ becomes eth0."""
    count = {}
    for m in re.finditer(r"-[io] (\S+)", text):
        name = m[1].replace("+", "0")
        if name != "lo" and re.fullmatch(r"[A-Za-z0-9_.-]{1,15}", name):
            count[name] = count.get(name, 0) + 1
    return sorted(count, key=lambda n: (-count[n], n))


def chains_in_use(dump):
    """(forward, local): whether a router's FORWARD or a host's INPUT/OUTPUT (or PREROUTING, which
    both meet) has a rule or a DROP policy in the dump's tables: it decides where it is loaded."""
    used = lambda c: f"-A {c} " in dump or re.search(rf"^:{c} DROP", dump, re.M) is not None
    pre = used("PREROUTING")
    return used("FORWARD") or pre, used("INPUT") or used("OUTPUT") or pre


def resolve(addr, interfaces):
    """The interface a deployment's `interfaces:` puts ADDR behind (longest prefix), or None."""
    best, best_len = None, -1
    a = ipaddress.ip_address(addr)
    for name, prefixes in interfaces.items():
        for p in prefixes:
            net = ipaddress.ip_network("0.0.0.0/0" if p == "any" else p, strict=False)
            if a in net and net.prefixlen > best_len:
                best, best_len = name, net.prefixlen
    return best


def random_packets(rng, addrs, ports, count, crosses):
    """COUNT distinct random (proto, src, dst, sport, dport) whose src->dst crosses the firewall."""
    out, tries = set(), 0
    while len(out) < count and tries < count * 20 and len(addrs) > 1:
        tries += 1
        src, dst = rng.sample(addrs, 2)
        if not crosses(src, dst):
            continue
        sport = rng.choice(ports) if rng.random() < 0.3 else rng.randrange(1024, 65536)
        out.add((rng.choice(["tcp", "udp"]), src, dst, sport, rng.choice(ports)))
    return sorted(out)


def written_roles(rng, case, addrs):
    """Roles from the case's addresses, so the audit's flows and their examples cross the firewall."""
    inside = case.hosts or addrs
    pick = lambda pool, n: sorted(rng.sample(pool, min(n, len(pool))))
    return {"server": pick(inside, 1), "module_server": pick(addrs, 1), "database": pick(addrs, 1),
            "console": pick(addrs, 2), "endpoints": pick(addrs, 4)}


def router_case(name, rng, dump, names, extra_addrs=()):
    """A router dump: live interfaces (each with a peer namespace), the others dummies."""
    live = names[:4]
    for d in ("eth0", "eth1", "eth2"):
        if len(live) < 3 and d not in live:
            live.append(d)
    addrs = sorted(set(dump_addresses(dump, rng)) | set(extra_addrs)
                   | {f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}" for _ in range(6)})
    placement = {a: rng.choice(live) for a in addrs}
    interfaces = {n: sorted(f"{a}/32" for a, i in placement.items() if i == n) for n in live}
    case = Case(name, "router", dump, placement=placement)
    case.dummies = [n for n in names if n not in live]
    # Interfaces no test packet crosses get an address of their own, so flowgap knows that too
    # (an interface the deployment does not list makes its rules conditional).
    for k, n in enumerate(n for n in live + case.dummies if not interfaces.get(n)):
        interfaces[n] = [PLACEHOLDER.format(k)]
    case.interfaces = interfaces
    case.roles = written_roles(rng, case, addrs)
    return case, addrs


def host_case(name, rng, dump, names):
    addrs = sorted(set(dump_addresses(dump, rng)) | {"10.254.0.1", "10.254.0.2", "192.0.2.77"})
    hosts = sorted(set(rng.sample(addrs, min(2, len(addrs)))) | {"10.254.0.1"})
    case = Case(name, "host", dump, hosts=hosts)
    iface = (names + ["eth0"])[0]
    case.placement = {a: iface for a in addrs if a not in hosts}
    case.roles = written_roles(rng, case, [a for a in addrs if a not in hosts])
    return case, addrs


# `-A PREROUTING -d PUBLIC/32 -i IF -p PROTO -m PROTO --dport N -j DNAT --to-destination REAL[:N]`,
# the one-to-one DNAT flowgap follows exactly (parsers/iptables/dnat.hpp).
DNAT = re.compile(r"^-A PREROUTING -d ([\d.]+)/32 -i (\S+) -p (tcp|udp) -m \3 --dport (\d+) "
                  r"-j DNAT --to-destination ([\d.]+)(?::(\d+))?$", re.M)


def dnat_rules(dump):
    """[(interface, public, real, proto, port)] of the dump's one-to-one DNAT rules."""
    return [(m[2], m[1], m[5], m[3], int(m[4])) for m in DNAT.finditer(dump)
            if m[6] is None or int(m[6]) == int(m[4])]


def as_sent(case, packet):
    """The packet a client sends for PACKET (flowgap's real coordinates): to the public address
    where a DNAT of the case publishes its destination to the client's interface, else itself."""
    proto, src, dst, sport, dport = packet
    for iface, public, real, p, port in case.dnat:
        if (proto, dst, dport) == (p, real, port) and case.placement.get(src) == iface:
            return (proto, src, public, sport, dport)
    return packet


def nft_listing(dump, namespace):
    """`nft list ruleset` of DUMP as iptables-restore (iptables-nft) loads it, in a scratch
    namespace made and removed here (its name starts with the run's prefix, so an interrupted run
    still removes it); None where either tool fails."""
    import subprocess
    subprocess.run(["ip", "netns", "add", namespace], check=True, capture_output=True, timeout=30)
    try:
        load = subprocess.run(["ip", "netns", "exec", namespace, "iptables-restore"], input=dump,
                              capture_output=True, text=True, timeout=60)
        if load.returncode != 0:
            return None
        listing = subprocess.run(["ip", "netns", "exec", namespace, "nft", "list", "ruleset"],
                                 capture_output=True, text=True, timeout=60)
        return listing.stdout if listing.returncode == 0 and "table" in listing.stdout else None
    finally:
        subprocess.run(["ip", "netns", "delete", namespace], capture_output=True, timeout=30)
