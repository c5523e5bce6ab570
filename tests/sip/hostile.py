#!/usr/bin/env python3
"""Sends faxgated's SIP port what a hostile or broken peer sends: empty and random datagrams,
requests without headers, a Content-Length past the datagram, a stray response, a 60 kB header,
200 INVITEs with random bytes flipped, and a 70 kB stream of garbage over TCP. Loopback only."""
import os
import random
import socket
import sys

port = int(sys.argv[1])
random.seed(7)
INVITE = (b"INVITE sip:fax@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKx\r\n"
          b"From: <sip:a@b>;tag=1\r\nTo: <sip:fax@c>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n"
          b"Content-Type: application/sdp\r\nContent-Length: 30\r\n\r\nv=0\r\nm=audio 1 RTP/AVP 0\r\n")
msgs = [b"", b"\r\n\r\n", os.urandom(1400), b"INVITE sip:fax@127.0.0.1 SIP/2.0\r\n\r\n",
        b"INVITE sip:fax@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK1\r\n"
        b"Content-Length: 99999\r\n\r\nv=0",
        b"SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n",
        b"INVITE sip:fax@127.0.0.1 SIP/2.0\r\nX-Junk: " + b"a" * 60000 + b"\r\n\r\n"]
for _ in range(200):
    m = bytearray(INVITE)
    for _ in range(random.randint(1, 8)):
        m[random.randrange(len(m))] = random.randrange(256)
    msgs.append(bytes(m))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for m in msgs:
    try:
        u.sendto(m, ("127.0.0.1", port))
    except OSError as e:
        print("udp", len(m), e)
t = socket.create_connection(("127.0.0.1", port))
t.sendall(b"INVITE sip:fax@127.0.0.1 SIP/2.0\r\nContent-Length: 5\r\n\r\n" + os.urandom(70000))
t.close()
print("sent", len(msgs), "datagrams and one 70 kB TCP stream")
