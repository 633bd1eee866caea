"""The kernel as flowgap's oracle (issue #12): each case's dump is loaded with iptables-restore
into network namespaces made for it, each packet is sent as a connection's first packet, and
what arrives is compared with `flowgap explain --packets` for that exact packet.

iptables-restore is iptables-nft on Debian: once a dump is loaded, `nft list ruleset` in the
namespace prints the very ruleset the kernel ran, in nftables syntax (issue #16). flowgap reads
that listing too (as the `nft:` twin of the case), and its verdicts are compared with the same
packets' fate: one kernel run checks both parsers.

    allowed      must arrive          blocked       must not arrive
    conditional  counted, not compared   not-applicable (never filtered)  skipped

Usage: oracle.py FLOWGAP_BINARY SOURCE_DIR. Environment (docs/testing.md):
    FLOWGAP_ORACLE_TABLES    all (default) | filter: which tables of a dump are loaded and compared
    FLOWGAP_ORACLE_SEED      the seed of every random choice (default 12)
    FLOWGAP_ORACLE_PACKETS   random packets per case (default 60)
    FLOWGAP_ORACLE_RULESETS  generated rulesets (default 24)
    FLOWGAP_ORACLE_PREFIX    namespace name prefix (default fgo-<pid>)
    FLOWGAP_ORACLE_KEEP      1: keep the temporary folder even when everything agrees
Exit: 0 agreement, 1 a disagreement, 2 the oracle itself failed."""
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time

import yaml

import cases
import generate
import known
from cases import Case
from flowgap import Flowgap, summary
from netns import Topology, remove_all
from probe import Prober

MODES = ("filter", "all")
FIXTURES = ("fixtures/demo/deployment.yaml", "fixtures/gate/deployment.yaml")
# One-to-one DNAT fixtures (nat table loaded): each is a dump of the router of this deployment.
NAT_DEPLOYMENT = "fixtures/iptables/tables.yaml.in"
NAT_FIXTURES = "fixtures/iptables/nat-dnat-exact-"


class Totals:
    def __init__(self):
        self.compared = self.conditional = self.skipped = self.known = self.agreed = 0
        self.disagreements = []
        self.cases = self.cases_skipped = 0


class Oracle:
    def __init__(self, binary, source):
        self.source = source
        self.mode = os.environ.get("FLOWGAP_ORACLE_TABLES", "all")
        if self.mode not in MODES:
            raise SystemExit(f"FLOWGAP_ORACLE_TABLES must be one of {MODES}")
        self.seed = int(os.environ.get("FLOWGAP_ORACLE_SEED", "12"))
        self.per_case = int(os.environ.get("FLOWGAP_ORACLE_PACKETS", "60"))
        self.rulesets = int(os.environ.get("FLOWGAP_ORACLE_RULESETS", "24"))
        self.prefix = os.environ.get("FLOWGAP_ORACLE_PREFIX", f"fgo-{os.getpid()}")
        self.tmp = tempfile.mkdtemp(prefix="flowgap-oracle-")
        self.flowgap = Flowgap(binary)
        self.totals = Totals()
        self.serial = 0
        self.lost = set()  # the current case's packets lost with no ruleset (baseline_losses)

    def rng(self, name):
        return random.Random(f"{self.seed}:{name}")  # each case its own stream: order-independent

    # ---- the cases ---------------------------------------------------------------------------

    def fixture_cases(self):
        for rel in FIXTURES:
            path = os.path.join(self.source, rel)
            with open(path) as f:
                doc = yaml.safe_load(f)
            for fw in doc.get("firewalls", []):
                config = os.path.join(os.path.dirname(path), fw["config"])
                with open(config, errors="replace") as f:
                    text = f.read()
                if "*filter" not in text:
                    continue  # not an iptables dump
                yield self.fixture_case(rel, doc, fw, config, text)

    def fixture_case(self, rel, doc, fw, config, text, nat=False):
        name = f"fixture:{os.path.dirname(rel).split('/')[-1]}/{fw['name']}" + (f":{os.path.basename(config)}" if nat else "")
        rng = self.rng(name)
        dump = cases.select_tables(text, self.mode, nat)
        kind = "host" if fw.get("host") else "router"
        hosts = fw["host"] if isinstance(fw.get("host"), list) else [fw["host"]] if fw.get("host") else []
        case = Case(name, kind, dump, interfaces=fw.get("interfaces") or {}, hosts=hosts, firewall=fw["name"])
        case.placement = None  # decided from the addresses below
        base = os.path.dirname(os.path.join(self.source, rel))
        copy = dict(doc)
        copy["firewalls"] = [dict(f, config=os.path.join(base, f["config"])) for f in doc["firewalls"]]
        case.deployment = copy
        addrs = set(cases.dump_addresses(dump, rng))
        for values in (doc.get("roles") or {}).values():
            for v in values if isinstance(values, list) else [values]:
                addrs.update(cases.dump_addresses(str(v), rng, limit=3))
        return case, sorted(addrs)

    def nft_cases(self):
        """The nftables router fixtures (issue #16), loaded with `nft -f`. Left out: rulesets with a
        nat table (it rewrites the tuple the oracle observes), an include (nothing is compared) and
        the one nft itself takes but that holds no base chain (flowgap refuses it)."""
        folder = os.path.join(self.source, "fixtures", "nftables")
        with open(os.path.join(folder, "router.yaml.in")) as f:
            doc = yaml.safe_load(f)
        fw = doc["firewalls"][0]
        for file in sorted(os.listdir(folder)):
            if not file.endswith(".nft") or file == "host.nft":
                continue
            with open(os.path.join(folder, file)) as f:
                text = f.read()
            name = f"nft-fixture:{file}"
            if re.search(r"type nat hook|^include ", text, re.M) or "hook" not in text:
                self.skip_case(name, "a nat table, an include or no base chain")
                continue
            rng = self.rng(name)
            case = Case(name, "router", text, interfaces=fw["interfaces"], firewall=fw["name"])
            case.loader = "nft"
            case.placement = None
            copy = dict(doc)
            copy["firewalls"] = [dict(fw, config="router.nft")]
            case.deployment = copy
            addrs = set(cases.dump_addresses(text, rng))
            for values in (doc.get("roles") or {}).values():
                for v in values:
                    addrs.update(cases.dump_addresses(str(v), rng, limit=3))
            yield case, sorted(addrs)

    def nat_cases(self):
        """The DNAT fixtures: the nat table loaded, the clients' packets sent to the public address;
        what arrives at the real one is compared with flowgap's verdict for the real packet."""
        with open(os.path.join(self.source, NAT_DEPLOYMENT)) as f:
            doc = yaml.safe_load(f)
        folder = os.path.dirname(os.path.join(self.source, NAT_FIXTURES))
        for file in sorted(os.listdir(folder)):
            path = os.path.join(folder, file)
            if not path.startswith(os.path.join(self.source, NAT_FIXTURES)):
                continue
            with open(path) as f:
                text = f.read()
            fw = dict(doc["firewalls"][0], config=path)
            case, addrs = self.fixture_case(NAT_DEPLOYMENT, dict(doc, firewalls=[fw]), fw, path, text, nat=True)
            case.name = f"nat:{file}"
            case.dnat = cases.dnat_rules(case.dump)
            if not case.dnat:
                raise RuntimeError(f"{path}: no one-to-one DNAT rule the oracle recognizes")
            yield case, addrs

    def corpus_cases(self):
        folder = os.path.join(os.path.dirname(self.source), "shared", "corpus", "iptables")
        if not os.path.isdir(folder):
            print(f"SKIP corpus: {folder} is absent")
            return
        for file in sorted(os.listdir(folder)):
            path = os.path.join(folder, file)
            with open(path, "rb") as f:
                raw = f.read()
            text = raw.decode("utf-8", errors="replace")
            if "ip6tables-save" in text or re.search(r"^-A .*-[sd] [0-9a-fA-F]*:[0-9a-fA-F:]*[/ ]", text, re.M):
                self.skip_case(f"corpus:{file}", "an ip6tables dump; the oracle sends IPv4 only")
                continue
            dump = cases.select_tables(text, self.mode)
            names = cases.interface_names(dump)
            forward, local = cases.chains_in_use(dump)
            if not (forward or local):
                self.skip_case(f"corpus:{file}", f"no rule or DROP policy in {self.mode} mode's tables "
                                                 "for FORWARD, INPUT or OUTPUT")
            if forward:
                name = f"corpus:{file}:router"
                yield cases.router_case(name, self.rng(name), dump, list(names))
            if local:
                name = f"corpus:{file}:host"
                yield cases.host_case(name, self.rng(name), dump, list(names))

    def legacy_cases(self):
        """iptables-legacy tables beside an nft ruleset (issue #16): one generated dump loaded with
        iptables-legacy-restore, another with iptables-restore (iptables-nft), so the kernel runs
        both on the same hooks; flowgap reads the first dump with the second's `nft list ruleset`
        (config: [legacy.rules, ruleset.nft])."""
        if not shutil.which("iptables-legacy-restore"):
            print("SKIP legacy: iptables-legacy-restore is not installed")
            return
        for i in range(max(2, self.rulesets // 4)):
            kind = ("router", "host")[i % 2]
            name = f"legacy:{kind}-{i:03d}"
            rng = self.rng(name)
            legacy = generate.dump(rng, kind, self.mode == "all")
            beside = generate.dump(rng, kind, False)  # its filter table: both sides then let some through
            listing = cases.nft_listing(beside, f"{self.prefix}-l{i}")
            if listing is None:
                self.skip_case(name, "iptables-restore or nft fails in a scratch namespace")
                continue
            addrs = set(cases.dump_addresses(legacy + beside, rng, limit=30)) | set(generate.HOSTS)
            addrs |= {f"10.{s}.{rng.randrange(256)}.{rng.randrange(1, 255)}" for s in (10, 20) for _ in range(3)}
            addrs = sorted(a for a in addrs if cases.usable(a))
            if kind == "router":
                case = Case(name, kind, legacy, interfaces=generate.ROUTER_IFS)
                case.placement = {a: cases.resolve(a, case.interfaces) for a in addrs}
            else:
                case = Case(name, kind, legacy, hosts=generate.HOSTS)
                case.placement = {a: "eth0" for a in addrs if a not in case.hosts}
            case.roles = cases.written_roles(rng, case, [a for a in addrs if a not in case.hosts])
            case.loader = "iptables-legacy"
            case.beside = (beside, listing)
            yield case, addrs

    def generated_cases(self):
        for i in range(self.rulesets):
            kind = ("router", "host")[i % 2]
            name = f"generated:{kind}-{i:03d}"
            rng = self.rng(name)
            dump = generate.dump(rng, kind, self.mode == "all")
            addrs = set(cases.dump_addresses(dump, rng, limit=30))
            addrs |= {f"10.{s}.{rng.randrange(256)}.{rng.randrange(1, 255)}" for s in (10, 20) for _ in range(3)}
            addrs |= {f"192.0.2.{rng.randrange(1, 255)}" for _ in range(2)} | set(generate.HOSTS)
            addrs = sorted(a for a in addrs if cases.usable(a))
            if kind == "router":
                case = Case(name, kind, dump, interfaces=generate.ROUTER_IFS)
                case.placement = {a: cases.resolve(a, case.interfaces) for a in addrs}
            else:
                case = Case(name, kind, dump, hosts=generate.HOSTS)
                case.placement = {a: "eth0" for a in addrs if a not in case.hosts}
            case.roles = cases.written_roles(rng, case, [a for a in addrs if a not in case.hosts])
            yield case, addrs

    # ---- one case ----------------------------------------------------------------------------

    def skip_case(self, name, why):
        self.totals.cases_skipped += 1
        print(f"SKIP {name}: {why}")

    def write(self, case):
        stem = os.path.join(self.tmp, case.name.replace(":", "_").replace("/", "_"))
        case.dump_path, case.deployment_path = stem + ".rules", stem + ".yaml"
        with open(case.dump_path, "w") as f:
            f.write(case.dump)
        config = case.dump_path
        if case.beside:
            with open(stem + ".nft", "w") as f:
                f.write(case.beside[1])
            config = [case.dump_path, stem + ".nft"]
        if case.deployment is not None:
            doc = dict(case.deployment)
            doc["firewalls"] = [dict(f, config=case.dump_path) if f["name"] == case.firewall else f
                                for f in doc["firewalls"]]
        else:
            fw = {"name": case.firewall, "config": config}
            if case.kind == "host":
                fw["host"] = case.hosts
            else:
                fw["interfaces"] = case.interfaces
            doc = {"roles": case.roles, "firewalls": [fw]}
        with open(case.deployment_path, "w") as f:
            yaml.safe_dump(doc, f, sort_keys=False)

    def place(self, case, packets, addrs, rng):
        """Where each address sits. A fixture router with `interfaces:` puts it by longest prefix;
        one without gets four interfaces, each packet's ends on two different ones if possible."""
        if case.kind == "host":
            return {a: "eth0" for a in addrs if a not in case.hosts}
        if case.interfaces:
            return {a: cases.resolve(a, case.interfaces) for a in addrs if cases.resolve(a, case.interfaces)}
        live = ["eth0", "eth1", "eth2", "eth3"]
        placement = {}
        for p in packets:
            for a, other in ((p[1], p[2]), (p[2], p[1])):
                if a not in placement:
                    placement[a] = rng.choice([n for n in live if n != placement.get(other)])
        for a in addrs:
            placement.setdefault(a, rng.choice(live))
        return placement

    def crosses(self, case):
        if case.kind == "host":
            hosts = set(case.hosts)
            return lambda s, d: (s in hosts) != (d in hosts) and (s in case.placement or d in case.placement)
        return lambda s, d: (s in case.placement and d in case.placement
                             and case.placement[s] != case.placement[d])

    def packets(self, case, addrs, rng):
        examples = [p for p in self.flowgap.examples(case.deployment_path, case.firewall)
                    if cases.usable(p[1]) and cases.usable(p[2])]
        if case.placement is None:
            case.placement = self.place(case, examples, addrs + [x for p in examples for x in p[1:3]], rng)
        # A DNAT's public address is the firewall's to answer: placed in a peer namespace, the
        # client's own stack (or the peer holding it) would take the packet before the firewall.
        published = {d[1] for d in case.dnat}
        case.placement = {a: i for a, i in case.placement.items() if i and a not in published}
        crosses = self.crosses(case)
        kept = [p for p in examples if crosses(p[1], p[2])]
        pool = sorted(set(case.placement) | set(case.hosts))
        ports = cases.dump_ports(case.dump)
        randoms = cases.random_packets(rng, pool, ports, self.per_case, crosses)
        return list(dict.fromkeys(kept + self.published(case, rng) + randoms)), len(examples) - len(kept)

    def published(self, case, rng, per_rule=8):
        """For a DNAT case, packets from each DNAT's interface to its real address and port, which
        the clients send to the public address: random ones rarely are."""
        out = []
        for iface, public, real, proto, port in case.dnat:
            clients = sorted(a for a, i in case.placement.items() if i == iface)
            for src in rng.sample(clients, min(per_rule, len(clients))):
                out.append((proto, src, real, rng.randrange(1024, 65536), port))
        return out

    def run_case(self, case, addrs):
        self.serial += 1
        rng = self.rng(case.name + ":packets")
        self.write(case)
        packets, dropped = self.packets(case, addrs, rng)
        self.totals.skipped += dropped
        if not packets:
            self.skip_case(case.name, "no packet of its addresses crosses the firewall")
            return
        verdicts = self.flowgap.explain_all(case.deployment_path, case.firewall, packets,
                                            case.dump_path[:-len(".rules")] + ".packets")
        interfaces = sorted(set(case.placement.values()))
        topo = Topology(self.prefix, self.serial, interfaces, case.placement, case.hosts, case.dummies)
        try:
            topo.build()
            prober = Prober(topo)
            try:
                # Without a ruleset everything must arrive (else the topology is wrong): wait for
                # all of it, at most 10 s.
                missing = set(packets) - prober.run(packets, self.seed, quiet=10.0, limit=10.0)
                self.lost = self.baseline_losses(case, prober, packets, missing)
                ok, err = topo.load(case.dump, case.loader)
                if ok and case.beside:
                    ok, err = topo.load(case.beside[0], "iptables")
                if not ok and case.name.startswith(("generated:", "legacy:")):  # the generator's bug: never a skip
                    raise RuntimeError(f"{case.name}: iptables-restore refuses {case.dump_path}: {err}")
                if not ok:
                    verdicts.result()  # nothing runs on behind the next case
                    self.skip_case(case.name, f"{case.loader} fails in a namespace: "
                                              f"{err.splitlines()[0] if err else '?'}")
                    return
                listings = {"nft": topo.listing(), "nft-json": topo.listing(as_json=True)}
                sent = {p: cases.as_sent(case, p) for p in packets} if case.dnat else None
                if sent is not None:
                    translated = sum(1 for p in packets if sent[p] != p)
                    print(f"{case.name}: {translated} packets sent to a DNAT's public address")
                    if not translated:
                        raise RuntimeError(f"{case.name}: no packet goes through its DNAT")
                arrived = prober.run(packets, self.seed, sent=sent)
                traces = verdicts.result()
                if any(t["verdict"] == "allowed" and p not in arrived for p, t in zip(packets, traces)):
                    prober.late(arrived, set(packets))  # before calling it a disagreement
                    # A burst can overflow a veth backlog on a loaded machine: a packet flowgap
                    # allows that did not arrive is sent once more (a blocked one stays blocked).
                    retry = [p for p, t in zip(packets, traces) if t["verdict"] == "allowed" and p not in arrived]
                    if retry:
                        arrived |= prober.run(retry, self.seed + 2, sent=sent, quiet=2.0, limit=5.0)
            finally:
                prober.close()
        finally:
            topo.remove()
        self.compare(case, packets, traces, arrived, dropped)
        if case.beside:
            return  # the kernel's listing shows the nft side only: no twin
        for form, listing in listings.items():
            self.compare_listing(case, packets, arrived, dropped, listing, form)

    def compare_listing(self, case, packets, arrived, dropped, listing, form):
        """The nft twins: the kernel's listing of the loaded dump (`nft list ruleset`, and `nft -j
        list ruleset` as nft-json:), read by flowgap's nftables parser."""
        if listing is None or "table" not in listing:
            self.skip_case(f"{form}:{case.name}", "nft list ruleset printed no table")
            return
        twin = Case(f"{form}:{case.name}", case.kind, listing, interfaces=case.interfaces, hosts=case.hosts,
                    roles=case.roles, deployment=case.deployment, firewall=case.firewall,
                    placement=case.placement)
        stem = case.dump_path[:-len(".rules")] + "." + form
        twin.dump_path, twin.deployment_path = stem + ".nft", stem + ".yaml"
        with open(twin.dump_path, "w") as f:
            f.write(listing)
        with open(case.deployment_path) as f:
            doc = yaml.safe_load(f)
        for fw in doc["firewalls"]:
            if fw["name"] == case.firewall:
                fw["config"] = twin.dump_path
                fw.pop("format", None)
        with open(twin.deployment_path, "w") as f:
            yaml.safe_dump(doc, f, sort_keys=False)
        traces = self.flowgap.explain(twin.deployment_path, twin.firewall, packets, stem + ".packets")
        self.compare(twin, packets, traces, arrived, dropped)

    def baseline_losses(self, case, prober, packets, missing):
        """Packets that did not arrive with no ruleset loaded. Without rules every packet must
        arrive, so many missing means the topology is wrong (the oracle fails); a few can be
        lost on a loaded machine (a burst overflowing a veth backlog): those are sent once more,
        and what still does not arrive is left out of this case's comparison, counted as skipped."""
        if not missing:
            return set()
        missing -= prober.run(sorted(missing), self.seed + 1, quiet=5.0, limit=10.0)
        if len(missing) * 4 > len(packets):
            raise RuntimeError(f"{case.name}: {len(missing)} of {len(packets)} packets did not arrive without "
                               f"any ruleset, e.g. {sorted(missing)[0]}")
        if missing:
            print(f"{case.name}: {len(missing)} packets lost without a ruleset (sent twice), left out")
        return missing

    def compare(self, case, packets, traces, arrived, dropped):
        t = self.totals
        t.cases += 1
        counts = {"compared": 0, "conditional": 0, "skipped": dropped, "known": 0, "disagree": 0}
        for p, trace in zip(packets, traces):
            if p in self.lost:
                counts["skipped"] += 1
                continue
            verdict = trace["verdict"]
            if verdict == "conditional":
                counts["conditional"] += 1
                continue
            if verdict not in ("allowed", "blocked"):
                counts["skipped"] += 1
                continue
            counts["compared"] += 1
            if (verdict == "allowed") == (p in arrived):
                continue
            why = known.explains(case, p, verdict, self.mode)
            if why:
                counts["known"] += 1
                continue
            counts["disagree"] += 1
            t.disagreements.append(case.name)
            proto, src, dst, sport, dport = p
            print(f"DISAGREE {case.name}: {proto} {src}:{sport} -> {dst}:{dport}\n"
                  f"  dump:       {case.dump_path}\n  deployment: {case.deployment_path} "
                  f"(firewall {case.firewall}, {case.kind})\n"
                  f"  flowgap:    {verdict}: {summary(trace)}\n"
                  f"  kernel:     {'arrived' if p in arrived else 'did not arrive'}")
        t.compared += counts["compared"]
        t.conditional += counts["conditional"]
        t.skipped += counts["skipped"] - dropped
        t.known += counts["known"]
        print(f"{case.name}: {counts['compared']} compared, {counts['conditional']} conditional, "
              f"{counts['skipped']} skipped, {counts['known']} known, {counts['disagree']} disagree")

    def run(self):
        start = time.monotonic()
        print(f"kernel oracle: tables={self.mode} seed={self.seed} packets/case={self.per_case} "
              f"rulesets={self.rulesets} (FLOWGAP_ORACLE_TABLES, _SEED, _PACKETS, _RULESETS)")
        known.announce(self.mode)
        for source in (self.fixture_cases, self.nat_cases, self.nft_cases, self.corpus_cases, self.generated_cases,
                       self.legacy_cases):
            for case, addrs in source():
                self.run_case(case, addrs)
        t = self.totals
        print(f"kernel oracle: {t.compared} packets compared in {t.cases} cases ({t.cases_skipped} cases "
              f"skipped), {t.conditional} conditional, {t.skipped} skipped, {t.known} known disagreements, "
              f"{len(t.disagreements)} new disagreements; {time.monotonic() - start:.1f}s; seed {self.seed}")
        return 1 if t.disagreements else 0


def main():
    binary, source = sys.argv[1], sys.argv[2]
    oracle = Oracle(os.path.abspath(binary), os.path.abspath(source))

    def stop(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    rc = 2
    try:
        rc = oracle.run()
    except Exception as e:  # the oracle's own failure: never a pass
        print(f"kernel oracle: ERROR {e}")
        raise
    finally:
        remove_all(oracle.prefix)
        if rc == 0 and os.environ.get("FLOWGAP_ORACLE_KEEP") != "1":
            shutil.rmtree(oracle.tmp, ignore_errors=True)
        else:
            print(f"kernel oracle: dumps and deployments kept in {oracle.tmp}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
