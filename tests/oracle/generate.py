"""Random iptables-save dumps for the oracle, from a seeded random.Random.

A router dump filters FORWARD (interfaces eth0, eth1, eth2 behind the subnets of ROUTER_IFS);
a host dump filters INPUT and OUTPUT of the addresses HOSTS. The filter table gets user chains
(jumps only to later chains, so never a loop), RETURN, -s/-d prefixes and their negations,
dotted and non-contiguous masks, comma lists, -p tcp/udp (numbers and negation too), --syn,
--dport/--sport single ports, ranges and negations, multiport, iprange,
-m conntrack --ctstate and -m state, goto (-g), -i/-o where the chain allows them, ACCEPT/DROP
policies and ACCEPT/DROP/REJECT.
With all_tables the raw, mangle and security chains the packet meets on its way get DROP and
ACCEPT rules too (nat is left out: DNAT and SNAT change the tuple the oracle observes)."""
import ipaddress
import re

ROUTER_IFS = {"eth0": ["10.10.0.0/16"], "eth1": ["10.20.0.0/16"], "eth2": ["any"]}
HOSTS = ["10.10.0.5", "10.10.0.6"]
BASES = ["10.10.0.0/16", "10.20.0.0/16", "10.0.0.0/8", "192.0.2.0/24", "203.0.113.0/24", "172.16.0.0/16"]
PORTS = [22, 53, 80, 443, 1433, 17472, 17477, 49152]

# The chains a packet meets besides filter's, per kind of dump: (table, chain).
EXTRA = {"router": [("raw", "PREROUTING"), ("mangle", "PREROUTING"), ("mangle", "FORWARD"),
                    ("security", "FORWARD")],
         "host": [("raw", "PREROUTING"), ("raw", "OUTPUT"), ("mangle", "PREROUTING"), ("mangle", "INPUT"),
                  ("mangle", "OUTPUT"), ("security", "INPUT"), ("security", "OUTPUT")]}
BUILTIN = {"raw": ["PREROUTING", "OUTPUT"], "mangle": ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
           "security": ["INPUT", "FORWARD", "OUTPUT"], "filter": ["INPUT", "FORWARD", "OUTPUT"]}


def prefix(rng):
    base = ipaddress.ip_network(rng.choice(BASES))
    length = rng.choice([n for n in (8, 12, 16, 20, 23, 24, 26, 28, 30, 31, 32) if n >= base.prefixlen])
    addr = int(base.network_address) + rng.randrange(base.num_addresses)
    return ipaddress.ip_network((addr, length), strict=False)


def ports(rng):
    """A port, a range or (multiport) a list: (text, is_list)."""
    def one():
        return rng.choice(PORTS) if rng.random() < 0.5 else rng.randrange(1, 65536)

    def span():
        lo, r = one(), rng.random()
        if r < 0.05:  # open ranges: iptables-save writes them 0:N and N:65535
            return rng.choice([f"0:{lo}", f"{lo}:65535"])
        return f"{lo}:{min(65535, lo + rng.choice([1, 10, 1000]))}" if r < 0.4 else str(lo)

    if rng.random() < 0.25:
        return ",".join(span() for _ in range(rng.randrange(2, 5))), True
    return span(), False


def neg(rng, p=0.2):
    return "! " if rng.random() < p else ""


def address(rng):
    """A -s/-d operand: a prefix, sometimes with a dotted or a non-contiguous mask (both legal),
    or (returned with False: cannot be negated) a comma list that iptables-restore splits."""
    p, r = prefix(rng), rng.random()
    if r < 0.1:
        return f"{p.network_address}/{p.netmask}", True
    if r < 0.15:
        mask = int(p.netmask) & ~(0xFF << rng.choice([0, 8, 16]))  # a hole in the mask
        return f"{p.network_address}/{ipaddress.ip_address(mask)}", True
    if r < 0.25:
        return f"{p},{prefix(rng)}", False
    return str(p), True


def matches(rng, ifs, conntrack):
    """The match part of one rule; ifs: the interface options the chain allows (-i, -o)."""
    m = []
    picked = [(flag, *address(rng)) for flag in ("-s", "-d") if rng.random() < 0.35]
    negatable = all(ok for _, _, ok in picked)  # iptables: no ! beside a comma list, on either
    for flag, text, _ in picked:
        m.append(f"{neg(rng) if negatable else ''}{flag} {text}")
    for flag in ifs:
        if rng.random() < 0.25:
            m.append(f"{neg(rng)}{flag} {rng.choice(list(ROUTER_IFS))}")
    if rng.random() < 0.1:
        lo = prefix(rng)
        hi = ipaddress.ip_address(int(lo.network_address) + rng.randrange(1, 4096))
        m.append(f"-m iprange {neg(rng)}--{rng.choice(['src', 'dst'])}-range {lo.network_address}-{hi}")
    r = rng.random()
    if r < 0.06:  # every protocol but one: no port match can follow
        m.append(f"! -p {rng.choice(['tcp', 'udp'])}")
    elif r < 0.66:
        proto = rng.choice(["tcp", "udp"])
        number = rng.random() < 0.1  # -p 6 / -p 17, as hand-written dumps have it
        m.append(f"-p {({'tcp': 6, 'udp': 17}[proto]) if number else proto}")
        if proto == "tcp" and rng.random() < 0.1:
            m.append(f"-m tcp {neg(rng, 0.5)}--syn")
        for way in ("dport", "sport"):
            if rng.random() < (0.5 if way == "dport" else 0.25):
                text, is_list = ports(rng)
                if is_list:  # --ports: the source or the destination port
                    either = "ports" if rng.random() < 0.2 else f"{way}s"
                    m.append(f"-m multiport {neg(rng, 0.1)}--{either} {text}")
                else:
                    m.append(f"-m {proto} {neg(rng)}--{way} {text}")
    if conntrack and rng.random() < 0.2:
        states = rng.choice(["NEW", "NEW", "RELATED,ESTABLISHED", "INVALID", "NEW,ESTABLISHED", "UNTRACKED"])
        if rng.random() < 0.7:
            m.append(f"-m conntrack {neg(rng, 0.1)}--ctstate {states}")
        else:
            m.append(f"-m state {neg(rng, 0.1)}--state {states.replace(',UNTRACKED', '')}")
    return " ".join(m)


def chain_rules(rng, name, later, targets, ifs, conntrack, count):
    rules = []
    for _ in range(count):
        choice = rng.random()
        if later and choice < 0.25:
            target = rng.choice(later)
            jump = "-g" if rng.random() < 0.2 else "-j"  # goto: no coming back to this chain
        elif choice < 0.35 and (name.islower() or rng.random() < 0.2):
            target = "RETURN"  # in a built-in chain: its policy decides
        else:
            target = rng.choice(targets)
        if not (later and choice < 0.25):
            jump = "-j"
        if target == "REJECT":
            target += rng.choice(["", " --reject-with tcp-reset", " --reject-with icmp-host-prohibited"])
        m = matches(rng, ifs, conntrack)
        if "tcp-reset" in target and not re.search(r"(^|[^!] )-p (tcp|6)( |$)", m):  # TCP only
            target = "REJECT --reject-with icmp-port-unreachable"
        rules.append(f"-A {name} {m} {jump} {target}".replace("  ", " "))
    return rules


def filter_table(rng, kind):
    """The filter table: each builtin the kind filters, with user chains of its own."""
    roots = {"router": [("FORWARD", ["-i", "-o"])], "host": [("INPUT", ["-i"]), ("OUTPUT", ["-o"])]}[kind]
    heads, body = [], []
    for root, ifs in roots:
        users = [f"{root.lower()}_{i}" for i in range(rng.randrange(0, 4))]
        chains = [root] + users
        for i, name in enumerate(chains):
            rules = chain_rules(rng, name, chains[i + 1:], ["ACCEPT", "DROP", "REJECT"], ifs, True,
                                rng.randrange(1, 8))
            body += rules
        heads += [f":{u} - [0:0]" for u in users]
    policies = {c: ("ACCEPT" if c not in [r for r, _ in roots] else rng.choice(["ACCEPT", "DROP"]))
                for c in BUILTIN["filter"]}
    return "filter", [f":{c} {p} [0:0]" for c, p in policies.items()] + heads, body


def extra_table(rng, table, chains):
    """raw, mangle or security: DROP and ACCEPT rules (ACCEPT ends only this table's chain)."""
    heads = [f":{c} {'DROP' if c in chains and rng.random() < 0.08 else 'ACCEPT'} [0:0]" for c in BUILTIN[table]]
    body = []
    for c in chains:
        ifs = [f for f, ok in (("-i", c in ("PREROUTING", "INPUT", "FORWARD")),
                               ("-o", c in ("OUTPUT", "FORWARD"))) if ok]
        body += chain_rules(rng, c, [], ["ACCEPT", "DROP", "DROP"], ifs, table != "raw", rng.randrange(0, 4))
    return table, heads, body


def dump(rng, kind, all_tables):
    tables = []
    if all_tables:
        for table in ("raw", "mangle", "security"):
            chains = [c for t, c in EXTRA[kind] if t == table]
            tables.append(extra_table(rng, table, chains))
    tables.append(filter_table(rng, kind))
    out = ["# Generated by the flowgap kernel oracle"]
    for name, heads, body in tables:
        out += [f"*{name}"] + heads + body + ["COMMIT"]
    return "\n".join(out) + "\n"
