#!/usr/bin/env python3
"""The benchmark inputs of other shapes (../shared/bench, its README): a chain-heavy iptables host
dump (gen_iptables.py: INPUT jumps by port into one user chain per 200 rules, the shape of ufw,
firewalld and Docker dumps) and a generated PAN-OS export (gen_pan.py), each audited end to end by
`flowgap audit` as a child process. CPU time (user + system) and peak RSS come from the kernel's
accounting of the child (getrusage), so a loaded machine inflates wall time but not these.

usage: shapes.py FLOWGAP_BINARY SOURCE_DIR [RUNS]
Prints one line per input and run, then the best. Exits 0 with a message when ../shared/bench is
absent (the generators are not part of this repository)."""
import os, resource, subprocess, sys, tempfile

def child_usage(cmd):
    """CPU seconds and peak RSS (MB) of one child process, from wait4."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{cmd[0]} failed with exit code {code}: {proc.stderr.read().decode()[:400]}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024

ROLES = """roles:
  server: [10.10.1.10]
  module_server: [10.10.2.20]
  database: [10.10.1.30]
  console: [10.99.0.0/24]
  endpoints: [10.20.0.0/16]
  internet: [203.0.113.80]
"""

def best(label, cmd, runs, size_mb):
    cpu, rss = min(child_usage(cmd) for _ in range(runs))
    print(f"{label}: best CPU {cpu:.3f} s = {size_mb / cpu:.0f} MB/s, peak RSS {rss:.1f} MB "
          f"({rss / size_mb:.2f}x the file)")
    return cpu

def main():
    binary, source = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    gen = os.path.join(source, "..", "shared", "bench")
    if not os.path.isdir(gen):
        print(f"bench-shapes: {gen} is absent; nothing to measure")
        return
    work = tempfile.mkdtemp(prefix="flowgap-shapes-")
    ipt = os.path.join(work, "host.rules")
    subprocess.run([sys.executable, os.path.join(gen, "gen_iptables.py"), "200000", ipt], check=True)
    with open(os.path.join(work, "ipt.yaml"), "w") as f:
        f.write(ROLES + "firewalls:\n  - {name: host, config: host.rules, host: 10.10.1.10}\n")
    mb = os.path.getsize(ipt) / 1e6
    best(f"gen_iptables.py 200000 ({mb:.1f} MB)",
         [binary, "audit", os.path.join(work, "ipt.yaml"), "--format", "json", "--output", "/dev/null"], runs, mb)
    pan = os.path.join(work, "pan.xml")
    subprocess.run([sys.executable, os.path.join(gen, "gen_pan.py"), "100000", "50000", pan], check=True)
    with open(os.path.join(work, "pan.yaml"), "w") as f:
        f.write(ROLES + "firewalls:\n  - {name: pan, config: pan.xml}\n")
    floor = os.path.join(work, "pugixml_parse")
    subprocess.run(["g++", "-O2", "-o", floor, os.path.join(gen, "pugixml_parse.cpp"), "-lpugixml"], check=True)
    mb = os.path.getsize(pan) / 1e6
    ours = best(f"gen_pan.py 100000 50000 ({mb:.1f} MB), flowgap audit",
                [binary, "audit", os.path.join(work, "pan.yaml"), "--format", "json", "--output", "/dev/null"],
                runs, mb)
    theirs = best(f"gen_pan.py 100000 50000 ({mb:.1f} MB), pugixml_parse", [floor, pan], runs, mb)
    print(f"PAN-OS: flowgap / pugixml = {ours / theirs:.2f}")
    subprocess.run(["rm", "-rf", work], check=True)

main()
