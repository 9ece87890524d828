import socket, sys, time
def get(n):
    c = socket.create_connection(("10.77.2.2", 5001))
    c.sendall(b"GET %d\n" % n)
    got = 0
    while True:
        d = c.recv(65536)
        if not d: break
        got += len(d)
    c.close()
    return got
def put(n):
    c = socket.create_connection(("10.77.2.2", 5001))
    c.sendall(b"PUT %d\n" % n)
    c.sendall(b"y" * n)
    r = c.recv(100)
    c.close()
    return r
print(get(400000)); time.sleep(0.2)
print(put(300000)); time.sleep(0.2)
print(get(600000)); time.sleep(0.2)
print(get(200000))
