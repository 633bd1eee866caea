"""Known disagreements between flowgap and the kernel: each an explicit exclusion, printed at the
start of every run, until flowgap is fixed. A case matches on the case name, the dump's text and
the packet; anything else that disagrees fails the test."""

KNOWN = []


def announce(mode):
    for k in KNOWN:
        if mode in k["modes"]:
            print(f"known disagreement ({k['id']}): {k['why']}")


def explains(case, packet, verdict):
    """The id of the known disagreement that covers this packet's, or None."""
    for k in KNOWN:
        if k["applies"](case, packet, verdict):
            return k["id"]
    return None
