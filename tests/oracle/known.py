"""Known disagreements between flowgap and the kernel: each an explicit exclusion, printed at the
start of every run, until flowgap is fixed. A case matches on the case name, the dump's text and
the packet; anything else that disagrees fails the test."""

# Each entry: {"id": short name, "modes": ("filter", "all"), "why": what flowgap gets wrong and
# where it is tracked, "applies": lambda case, packet, verdict: bool}. None today: the filter
# tables agree with the kernel on every case (docs/testing.md).
KNOWN = []


def announce(mode):
    listed = [k for k in KNOWN if mode in k["modes"]]
    print(f"known disagreements excluded in {mode} mode: {len(listed) or 'none'}")
    for k in listed:
        print(f"  {k['id']}: {k['why']}")


def explains(case, packet, verdict, mode):
    """The id of the known disagreement that covers this packet's, or None."""
    for k in KNOWN:
        if mode in k["modes"] and k["applies"](case, packet, verdict):
            return k["id"]
    return None
