/* Every socket call synack run records, in one program: a TCP connection to itself and a
   UDP pair on loopback. Prints what it sent and received. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static struct sockaddr_in at(int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static void opt(int fd, int level, int name, int value) {
    setsockopt(fd, level, name, &value, sizeof value);
}

int main(void) {
    int one = 1;
    struct sockaddr_in la = at(7300);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    opt(l, SOL_SOCKET, SO_REUSEADDR, 1);
    if (bind(l, (struct sockaddr *)&la, sizeof la) || listen(l, 4)) { perror("listen"); return 1; }
    int c = socket(AF_INET, SOCK_STREAM, 0);
    opt(c, IPPROTO_TCP, TCP_NODELAY, 1);
    opt(c, SOL_SOCKET, SO_KEEPALIVE, 1);
    opt(c, SOL_SOCKET, SO_RCVBUF, 65536);
    opt(c, SOL_SOCKET, SO_SNDBUF, 65536);
    if (connect(c, (struct sockaddr *)&la, sizeof la)) { perror("connect"); return 1; }
    int s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
    if (s < 0) { perror("accept4"); return 1; }

    /* sendmsg, then select before the server reads it */
    struct iovec m1 = {"msg1", 4};
    struct msghdr h = {0};
    h.msg_iov = &m1; h.msg_iovlen = 1;
    printf("c: sendmsg %zd\n", sendmsg(c, &h, 0));
    fd_set rd; FD_ZERO(&rd); FD_SET(s, &rd);
    struct timeval tv = {5, 0};
    printf("c: select %d\n", select(s + 1, &rd, NULL, NULL, &tv));
    char buf[64];
    struct iovec r1 = {buf, sizeof buf};
    struct msghdr rh = {0};
    rh.msg_iov = &r1; rh.msg_iovlen = 1;
    printf("c: recvmsg %zd\n", recvmsg(s, &rh, 0));

    /* writev of two pieces, then poll and readv */
    opt(c, IPPROTO_TCP, TCP_CORK, 1);
    struct iovec w[2] = {{"ab", 2}, {"cde", 3}};
    printf("c: writev %zd\n", writev(c, w, 2));
    opt(c, IPPROTO_TCP, TCP_CORK, 0);
    struct pollfd p = {s, POLLIN, 0};
    printf("c: poll %d\n", poll(&p, 1, 5000));
    char b1[2], b2[16];
    struct iovec rv[2] = {{b1, 2}, {b2, sizeof b2}};
    printf("c: readv %zd\n", readv(s, rv, 2));

    /* UDP: sendmmsg of two datagrams, recvmmsg of both */
    struct sockaddr_in ua = at(7301);
    int u1 = socket(AF_INET, SOCK_DGRAM, 0);
    int u2 = socket(AF_INET, SOCK_DGRAM, 0);
    opt(u2, SOL_SOCKET, SO_BROADCAST, 1);
    bind(u1, (struct sockaddr *)&ua, sizeof ua);
    struct iovec d[2] = {{"x", 1}, {"yz", 2}};
    struct mmsghdr mm[2];
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 2; i++) {
        mm[i].msg_hdr.msg_iov = &d[i]; mm[i].msg_hdr.msg_iovlen = 1;
        mm[i].msg_hdr.msg_name = &ua; mm[i].msg_hdr.msg_namelen = sizeof ua;
    }
    printf("c: sendmmsg %d\n", sendmmsg(u2, mm, 2, 0));
    char rb[2][16];
    struct iovec ri[2] = {{rb[0], 16}, {rb[1], 16}};
    struct mmsghdr rm[2];
    memset(rm, 0, sizeof rm);
    for (int i = 0; i < 2; i++) { rm[i].msg_hdr.msg_iov = &ri[i]; rm[i].msg_hdr.msg_iovlen = 1; }
    struct timespec ts = {5, 0};
    usleep(20000);
    printf("c: recvmmsg %d\n", recvmmsg(u1, rm, 2, MSG_WAITFORONE, &ts));

    /* linger, shutdown, end of stream, close */
    struct linger lg = {1, 0};
    setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    (void)one;
    shutdown(c, SHUT_WR);
    printf("c: recv %zd\n", recv(s, buf, sizeof buf, 0));
    close(s); close(c); close(l); close(u1); close(u2);
    return 0;
}
