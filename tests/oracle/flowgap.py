"""flowgap's side of the oracle: the audit's example packets and `flowgap explain --packets FILE
--format json` (an array of flowgap-explain/1 documents) for each case's packets."""
import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

EXAMPLE = re.compile(r"^(tcp|udp) ([0-9.]+):(\d+) -> ([0-9.]+):(\d+)$")


class Flowgap:
    def __init__(self, binary):
        self.binary = binary
        self.pool = ThreadPoolExecutor(max_workers=1)

    def examples(self, deployment, firewall):
        """Every TCP/UDP example packet the audit names for the firewall's flows, deduplicated."""
        p = subprocess.run([self.binary, "audit", deployment, "--format", "json", "--output", "-"],
                           capture_output=True, text=True, timeout=300)
        if p.returncode not in (0, 1):
            raise RuntimeError(f"flowgap audit {deployment}: {p.stderr.strip()}")
        found = []
        for flow in json.loads(p.stdout)["flows"]:
            if flow.get("firewall") != firewall:
                continue
            texts = [flow.get(k) for k in ("example_allowed", "example_blocked", "example_conditional")]
            texts += [d.get("example") for d in flow.get("decided_by", [])]
            for t in texts:
                m = EXAMPLE.match(t or "")
                if m:
                    found.append((m[1], m[2], m[4], int(m[3]), int(m[5])))
        return list(dict.fromkeys(found))

    def explain(self, deployment, firewall, packets, listing):
        """flowgap's traces of PACKETS, in order: one `explain --packets` run, which reads the
        deployment and the dump once (a process per packet would cost ~30 ms of CPU each)."""
        with open(listing, "w") as f:
            f.writelines(f"{proto} {src}:{sport} -> {dst}:{dport}\n" for proto, src, dst, sport, dport in packets)
        p = subprocess.run([self.binary, "explain", deployment, "--firewall", firewall, "--packets", listing,
                            "--format", "json"], capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            raise RuntimeError(f"flowgap explain --packets {listing}: {p.stderr.strip()}")
        traces = json.loads(p.stdout)
        if len(traces) != len(packets):
            raise RuntimeError(f"flowgap explain --packets {listing}: {len(traces)} traces for {len(packets)} packets")
        return traces

    def explain_all(self, deployment, firewall, packets, listing):
        """Starts the explain in the background (while the kernel side runs); returns a future."""
        return self.pool.submit(self.explain, deployment, firewall, packets, listing)


def summary(trace):
    """The rules and defaults that decided the packet, one line per policy, for failure output."""
    parts = []
    for d in trace.get("directions", []):
        for pol in d["policies"]:
            deciding = [f"{s['rule']} @{s['location']} {s['outcome']} {s['action']}"
                        + (f" ({s['why']})" if s.get("why") and s["outcome"] != "no-match" else "")
                        for s in pol["steps"] if s.get("outcome") in ("matches", "may-match", "overridden")]
            deciding += [f"{x['rule']} @{x['location']} {x['outcome']} {x['action']}" for x in pol["defaults"]]
            parts.append(f"{d['direction']} {pol['policy']} -> {pol['verdict']}: " + "; ".join(deciding))
    return " | ".join(parts) if parts else "not filtered"
