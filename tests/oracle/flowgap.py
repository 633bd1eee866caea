"""flowgap's side of the oracle: deployments written on the fly, the audit's example packets,
and `flowgap explain --format json` (flowgap-explain/1) for each packet."""
import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

EXAMPLE = re.compile(r"^(tcp|udp) ([0-9.]+):(\d+) -> ([0-9.]+):(\d+)$")
# The roles a Windows deployment must declare; a generated deployment fills them from its own
# addresses so the audit's flows (and their example packets) cross the firewall under test.
ROLES = ("server", "module_server", "database", "console", "endpoints")


def deployment_yaml(roles, firewall):
    """roles: {role: [addresses]}; firewall: {name, config, host?: [..], interfaces?: {if: [..]}}."""
    lines = ["roles:"]
    lines += [f"  {r}: [{', '.join(v)}]" for r, v in roles.items()]
    lines += ["firewalls:", f"  - name: {firewall['name']}", f"    config: {firewall['config']}"]
    if firewall.get("host"):
        lines.append(f"    host: [{', '.join(firewall['host'])}]")
    if firewall.get("interfaces"):
        body = ", ".join(f"{k}: [{', '.join(v)}]" for k, v in firewall["interfaces"].items())
        lines.append(f"    interfaces: {{{body}}}")
    return "\n".join(lines) + "\n"


class Flowgap:
    def __init__(self, binary, jobs=2):
        self.binary = binary
        self.pool = ThreadPoolExecutor(max_workers=jobs)

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

    def explain(self, deployment, firewall, packet):
        proto, src, dst, sport, dport = packet
        p = subprocess.run([self.binary, "explain", deployment, "--firewall", firewall, "--from", src,
                            "--to", dst, "--port", f"{proto}/{dport}", "--sport", str(sport),
                            "--format", "json"], capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"flowgap explain {packet}: {p.stderr.strip()}")
        return json.loads(p.stdout)

    def explain_all(self, deployment, firewall, packets):
        """Starts the explains in the background; returns a future list (same order)."""
        return [self.pool.submit(self.explain, deployment, firewall, p) for p in packets]


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
