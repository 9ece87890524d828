"""Test server for make_captures.sh: `GET n` sends n bytes then closes; `PUT n` reads n bytes
and answers `OK n`."""
import socket, threading
def handle(c):
    try:
        req = b""
        while not req.endswith(b"\n"):
            d = c.recv(1)
            if not d: return
            req += d
        cmd, n = req.split()
        n = int(n)
        if cmd == b"GET":
            data = b"x" * n
            c.sendall(data)
            c.shutdown(socket.SHUT_WR)
            while c.recv(4096): pass
        elif cmd == b"PUT":
            got = 0
            while got < n:
                d = c.recv(65536)
                if not d: break
                got += len(d)
            c.sendall(b"OK %d\n" % got)
    except OSError:
        pass  # the port-reuse client aborts with a RST
    finally:
        c.close()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.77.2.2", 5001)); s.listen(16)
while True:
    c, _ = s.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
