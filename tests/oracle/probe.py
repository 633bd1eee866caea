"""Sends each packet as the first packet of a connection and reports which ones arrived.

Sending: a raw IPv4 socket (IP_HDRINCL) in the source's namespace writes exactly one TCP SYN or
UDP datagram with the packet's addresses and ports: no retransmissions, no bind() conflicts,
and conntrack sees it as NEW, like a client's first packet.

Observing: a raw socket (IPPROTO_TCP / IPPROTO_UDP) in the destination's namespace. The kernel
copies a packet to raw sockets in ip_local_deliver_finish(), after the INPUT hook: so a host
dump's INPUT chain (and raw/mangle/security INPUT) has had its say, and for a routed packet it
means the router forwarded it and the destination took it in. The SYN-ACK is never needed: a
DROP on the way back cannot hide a SYN that arrived, which is the question flowgap answers."""
import random
import select
import socket
import struct
import time

from netns import Inside

PROTO = {"tcp": socket.IPPROTO_TCP, "udp": socket.IPPROTO_UDP}
PAYLOAD = b"flowgap-oracle"
SO_RCVBUFFORCE = 33  # <asm-generic/socket.h>; the socket module lacks it


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def datagram(p, seq):
    """The IPv4 packet for p = (proto, src, dst, sport, dport)."""
    proto, src, dst, sport, dport = p
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    if proto == "tcp":
        head = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x02, 64240, 0, 0)
        body = head
    else:
        body = struct.pack("!HHHH", sport, dport, 8 + len(PAYLOAD), 0) + PAYLOAD
    pseudo = s + d + struct.pack("!BBH", 0, PROTO[proto], len(body))
    csum = checksum(pseudo + body)
    at = 16 if proto == "tcp" else 6
    body = body[:at] + struct.pack("!H", csum) + body[at + 2:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), seq & 0xFFFF, 0x4000, 64, PROTO[proto], 0, s, d)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + body


def parse(raw):
    """(proto, src, dst, sport, dport) of a received first packet, or None (not a SYN, etc.)."""
    if len(raw) < 28 or raw[0] >> 4 != 4:
        return None
    ihl = (raw[0] & 0x0F) * 4
    proto = {6: "tcp", 17: "udp"}.get(raw[9])
    if proto is None or len(raw) < ihl + 8:
        return None
    if proto == "tcp" and (len(raw) < ihl + 14 or raw[ihl + 13] & 0x12 != 0x02):
        return None  # only a SYN without ACK opens a connection
    sport, dport = struct.unpack("!HH", raw[ihl:ihl + 4])
    return (proto, socket.inet_ntoa(raw[12:16]), socket.inet_ntoa(raw[16:20]), sport, dport)


class Prober:
    """Raw sockets in each namespace of a topology: one sender, one listener per protocol."""

    def __init__(self, topology):
        self.send = {}
        self.listen = []
        for ns in topology.namespaces():
            with Inside(ns):
                s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
                self.send[ns] = s
                for proto in PROTO.values():
                    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
                    r.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
                    r.setblocking(False)
                    self.listen.append(r)
        self.topology = topology

    def close(self):
        for s in list(self.send.values()) + self.listen:
            s.close()

    def drain(self, arrived, wanted):
        got = 0
        for r in self.listen:
            while True:
                try:
                    raw = r.recv(65535)
                except BlockingIOError:
                    break
                t = parse(raw)
                if t in wanted:
                    arrived.add(t)
                    got += 1
        return got

    def settle(self, arrived, wanted, quiet, limit):
        """Reads until all of `wanted` came or nothing new came for `quiet` seconds, at most
        `limit` seconds. On a loaded machine softirq work can lag behind the sender."""
        end = time.monotonic() + limit
        last = time.monotonic()
        while time.monotonic() < end and time.monotonic() - last < quiet and arrived < wanted:
            select.select(self.listen, [], [], 0.02)
            if self.drain(arrived, wanted):
                last = time.monotonic()

    def run(self, packets, seed, quiet=0.25, limit=3.0, burst=256, sent=None):
        """Sends every packet once; returns the set of those that arrived. Packets must be
        distinct (one conntrack entry each). `sent` maps a packet to the one the client sends
        instead (to a DNAT's public address): the packet is what must arrive."""
        rng = random.Random(seed)
        wanted = set(packets)
        arrived = set()
        for i in range(0, len(packets), burst):
            for p in packets[i:i + burst]:
                ns = self.topology.namespace_of(p[1])
                out = (sent or {}).get(p, p)
                try:
                    self.send[ns].sendto(datagram(out, rng.randrange(1, 1 << 32)), (out[2], 0))
                except PermissionError:
                    pass  # a host dump's OUTPUT dropped or rejected it: it never leaves
            self.settle(arrived, set(packets[:i + burst]), quiet, limit)
        return arrived

    def late(self, arrived, wanted, wait=2.0):
        """A last, longer look for packets still on their way (called before a disagreement)."""
        self.settle(arrived, wanted, wait, wait)
