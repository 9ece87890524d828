import socket, struct, time
S = ("10.77.2.2", 5001)
# 1. Zero window: tiny receive buffer, read late.
c = socket.socket()
c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
c.connect(S)
c.sendall(b"GET 300000\n")
time.sleep(2.5)
got = 0
while True:
    d = c.recv(65536)
    if not d: break
    got += len(d)
    time.sleep(0.001)
c.close()
print("zero-window", got)
# 2. Keep-alive: idle connection with 1 s keep-alive probes.
c = socket.socket()
c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
c.connect(S)
c.sendall(b"PUT 5\n")
time.sleep(3.6)
c.sendall(b"hello")
print("keep-alive", c.recv(100))
c.close()
# 3. Port reuse: same source port twice, first connection aborted with RST.
for i in range(2):
    c = socket.socket()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind(("10.77.1.2", 45000))
    c.connect(S)
    c.sendall(b"GET 1000\n")
    got = 0
    while got < 1000:
        got += len(c.recv(4096))
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    print("reuse", i, got)
    time.sleep(0.2)
