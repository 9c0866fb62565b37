/*
 * Preloaded before libsocket_wrapper for the benchmarks' Samba smbd: smbd sets SO_REUSEPORT on its
 * listening sockets, which socket_wrapper has turned into unix sockets, where Debian's socket_wrapper
 * 1.3.x passes the option through and the kernel refuses it (EOPNOTSUPP). The option only matters for
 * several processes sharing a port, which the benchmark does not need: report success instead.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>

int setsockopt(int fd, int level, int name, const void *value, socklen_t length) {
    static int (*real_setsockopt)(int, int, int, const void *, socklen_t);
    if (real_setsockopt == NULL) {
        real_setsockopt = (int (*)(int, int, int, const void *, socklen_t)) dlsym(RTLD_NEXT, "setsockopt");
    }
    int rc = real_setsockopt(fd, level, name, value, length);
    if (rc != 0 && errno == EOPNOTSUPP && level == SOL_SOCKET && name == SO_REUSEPORT) {
        return 0;
    }
    return rc;
}
