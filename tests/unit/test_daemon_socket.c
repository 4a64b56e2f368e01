/* tests/unit/test_daemon_socket.c - cxl-fabricd against hostile and
 * careless clients, at the socket level: oversized and split requests,
 * pipelining with answers that come later, too many clients, a client that
 * never reads, clients that vanish mid-wait, signals, a second daemon, a
 * stale socket. The daemon binary comes from $BIN (default build/san/bin). */
#include "cmocka_all.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[32], sock[96];
static pid_t daemon_pid;

static void daemon_path(char *buf, size_t len)
{
    const char *bin = getenv("BIN");
    snprintf(buf, len, "%s/cxl-fabricd", bin ? bin : "build/san/bin");
}

static int try_connect(void)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
        return fd;
    close(fd);
    return -1;
}

/* Start a daemon in the foreground (pace max) and wait for its socket. */
static pid_t start_daemon(void)
{
    char bin[256];
    daemon_path(bin, sizeof(bin));
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive a failed test */
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDERR_FILENO);
        execl(bin, bin, "--socket", sock, "--pace", "max", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500; i++) {
        int fd = try_connect();
        if (fd >= 0) {
            close(fd);
            return pid;
        }
        usleep(20000);
    }
    fail_msg("the daemon %s did not come up", bin);
    return -1;
}

static int stop_daemon(pid_t pid)
{
    int status = 0;
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    return status;
}

static int setup(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN); /* writes to a daemon that hung up must fail, not kill */
    snprintf(dir, sizeof(dir), "/tmp/cxlfab-test-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(sock, sizeof(sock), "%s/d.sock", dir);
    daemon_pid = start_daemon();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (daemon_pid > 0)
        stop_daemon(daemon_pid);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void send_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        assert_true(w > 0);
        s += w;
        n -= (size_t)w;
    }
}

static void send_str(int fd, const char *s) { send_all(fd, s, strlen(s)); }

/* One response line (5 s at most), parsed. */
static struct json_object *recv_json(int fd)
{
    static char buf[1 << 16];
    size_t n = 0;
    while (n < sizeof(buf) - 1) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        assert_int_equal(poll(&p, 1, 5000), 1);
        ssize_t r = read(fd, &buf[n], 1);
        if (r != 1)
            fail_msg("read: %s after '%.*s'", r ? strerror(errno) : "end of file", (int)n, buf);
        if (buf[n++] == '\n')
            break;
    }
    buf[n] = '\0';
    struct json_object *o = json_tokener_parse(buf);
    assert_non_null(o);
    return o;
}

static const char *field(struct json_object *o, const char *a, const char *b)
{
    struct json_object *v = o;
    if (!json_object_object_get_ex(v, a, &v) || (b && !json_object_object_get_ex(v, b, &v)))
        return NULL;
    return json_object_get_string(v);
}

static void expect(int fd, const char *id, const char *ok, const char *code)
{
    struct json_object *r = recv_json(fd);
    if (id)
        assert_string_equal(field(r, "id", NULL), id);
    assert_string_equal(field(r, "ok", NULL), ok);
    if (code)
        assert_string_equal(field(r, "error", "code"), code);
    json_object_put(r);
}

static void test_socket_is_private_and_single(void **state)
{
    (void)state;
    struct stat st;
    assert_int_equal(stat(sock, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);
    /* a second daemon on the same socket refuses and leaves it working */
    char bin[256], cmd[512];
    daemon_path(bin, sizeof(bin));
    snprintf(cmd, sizeof(cmd), "%s --socket %s --pace max 2>%s/err", bin, sock, dir);
    int rc = system(cmd);
    assert_int_equal(WEXITSTATUS(rc), 1);
    snprintf(cmd, sizeof(cmd), "grep -q 'another cxl-fabricd (pid [0-9]*) is serving' %s/err", dir);
    assert_int_equal(system(cmd), 0);
    int fd = try_connect();
    send_str(fd, "{\"id\":1,\"cmd\":\"daemon.info\"}\n");
    expect(fd, "1", "true", NULL);
    close(fd);
}

static void test_oversized_split_and_bad_requests(void **state)
{
    (void)state;
    int fd = try_connect();
    size_t big = 70000;
    char *junk = malloc(big);
    memset(junk, 'x', big);
    send_all(fd, junk, big);
    free(junk);
    send_str(fd, "\n{\"id\":2,\"cmd\":\"help\"}\n");
    expect(fd, NULL, "false", "E2BIG");
    expect(fd, "2", "true", NULL);
    /* a request a byte at a time */
    const char *req = "{\"id\":\"slow\",\"cmd\":\"vm.list\"}\n";
    for (const char *p = req; *p; p++) {
        send_all(fd, p, 1);
        usleep(1000);
    }
    expect(fd, "slow", "true", NULL);
    send_str(fd, "{\"id\":3,\"cmd\":\"vm.create\",\"args\":{\"name\":\"a\",\"mem\":\"1T\"}}\n");
    expect(fd, "3", "false", "ERANGE");
    send_str(fd, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n\r\n");
    expect(fd, NULL, "false", "EINVAL");
    send_str(fd, "{\"id\":4,\"cmd\":\"nope\"}\n");
    expect(fd, "4", "false", "ENOSYS");
    close(fd);
}

static void test_pipelined_requests_and_later_answers(void **state)
{
    (void)state;
    int fd = try_connect();
    send_str(fd,
             "{\"id\":1,\"cmd\":\"vm.create\",\"args\":{\"name\":\"p\",\"mem\":\"16M\","
             "\"workload\":\"gups\",\"ops\":300000}}\n"
             "{\"id\":2,\"cmd\":\"migrate.start\",\"args\":{\"vm\":\"p\",\"to\":\"node1\","
             "\"mode\":\"precopy\"}}\n"
             "{\"id\":3,\"cmd\":\"migrate.wait\",\"args\":{\"vm\":\"p\"}}\n"
             "{\"id\":4,\"cmd\":\"vm.list\"}\n");
    expect(fd, "1", "true", NULL);
    expect(fd, "2", "true", NULL);
    expect(fd, "4", "true", NULL); /* answered before the wait */
    struct json_object *r = recv_json(fd);
    assert_string_equal(field(r, "id", NULL), "3");
    assert_string_equal(field(r, "result", "status"), "completed");
    json_object_put(r);
    /* the VM finishes its ops on node1; verify it in a child process */
    for (int i = 0; i < 200; i++) {
        send_str(fd, "{\"id\":5,\"cmd\":\"vm.stats\",\"args\":{\"vm\":\"p\"}}\n");
        r = recv_json(fd);
        bool done = !strcmp(field(r, "result", "state"), "done");
        json_object_put(r);
        if (done)
            break;
        usleep(20000);
    }
    send_str(fd, "{\"id\":6,\"cmd\":\"vm.verify\",\"args\":{\"vm\":\"p\"}}\n"
                 "{\"id\":7,\"cmd\":\"daemon.info\"}\n");
    expect(fd, "7", "true", NULL);
    r = recv_json(fd);
    assert_string_equal(field(r, "id", NULL), "6");
    assert_string_equal(field(r, "result", "integrity"), "match");
    json_object_put(r);
    close(fd);
}

/* Processes whose parent is pid (from /proc: no ps on a minimal system). */
static int children_of(pid_t pid)
{
    int n = 0;
    DIR *d = opendir("/proc");
    for (struct dirent *de; d && (de = readdir(d));) {
        char path[300], buf[512];
        snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t len = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[len] = '\0';
        const char *after = strrchr(buf, ')'); /* the command name may hold spaces */
        int ppid = 0;
        char state;
        if (after && sscanf(after + 1, " %c %d", &state, &ppid) == 2 && ppid == pid)
            n++;
    }
    if (d)
        closedir(d);
    return n;
}

static void test_vanishing_and_greedy_clients(void **state)
{
    (void)state;
    /* a client leaves while its migrate.wait and vm.verify are pending */
    int fd = try_connect();
    send_str(fd,
             "{\"id\":1,\"cmd\":\"vm.create\",\"args\":{\"name\":\"v\",\"mem\":\"64M\","
             "\"workload\":\"gups\",\"ops\":2000}}\n"
             "{\"id\":2,\"cmd\":\"vm.create\",\"args\":{\"name\":\"w\",\"mem\":\"64M\","
             "\"workload\":\"idle\"}}\n"
             "{\"id\":3,\"cmd\":\"migrate.start\",\"args\":{\"vm\":\"w\",\"to\":\"node1\","
             "\"mode\":\"precopy\",\"max-bandwidth\":\"1MB/s\"}}\n"
             "{\"id\":4,\"cmd\":\"migrate.wait\",\"args\":{\"vm\":\"w\"}}\n");
    expect(fd, "1", "true", NULL);
    expect(fd, "2", "true", NULL);
    expect(fd, "3", "true", NULL);
    usleep(200000);
    send_str(fd, "{\"id\":5,\"cmd\":\"vm.verify\",\"args\":{\"vm\":\"v\"}}\n");
    close(fd);
    /* a client that sends and never reads is cut off at 16 MiB of answers,
     * and meanwhile another client is answered */
    int greedy = try_connect(), other = try_connect();
    fcntl(greedy, F_SETFL, O_NONBLOCK);
    static const char topo[] = "{\"cmd\":\"topo\"}\n{\"cmd\":\"topo\"}\n{\"cmd\":\"topo\"}\n";
    bool cut = false;
    for (int i = 0; i < 20000 && !cut; i++) {
        if (write(greedy, topo, sizeof(topo) - 1) < 0)
            cut = errno == EPIPE || errno == ECONNRESET;
        if (i % 500 == 0) {
            send_str(other, "{\"id\":9,\"cmd\":\"daemon.info\"}\n");
            expect(other, "9", "true", NULL);
        }
        if (errno == EAGAIN)
            usleep(1000);
    }
    assert_true(cut);
    close(greedy);
    /* 64 clients are served; the 65th is told why it is not */
    int many[64];
    for (int i = 0; i < 63; i++)
        assert_true((many[i] = try_connect()) >= 0);
    send_str(other, "{\"id\":10,\"cmd\":\"daemon.info\"}\n");
    expect(other, "10", "true", NULL);
    int extra = try_connect();
    expect(extra, NULL, "false", "EUSERS");
    close(extra);
    for (int i = 0; i < 63; i++)
        close(many[i]);
    send_str(other, "{\"id\":11,\"cmd\":\"vm.list\"}\n");
    expect(other, "11", "true", NULL);
    close(other);
    /* no child left behind */
    for (int i = 0; i < 50 && children_of(daemon_pid); i++)
        usleep(100000);
    assert_int_equal(children_of(daemon_pid), 0);
}

static void test_signals_and_stale_sockets(void **state)
{
    (void)state;
    int status = stop_daemon(daemon_pid);
    daemon_pid = 0;
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    struct stat st;
    assert_int_equal(stat(sock, &st), -1); /* the socket is gone */
    /* a daemon killed outright leaves its socket: the next one takes over */
    daemon_pid = start_daemon();
    kill(daemon_pid, SIGKILL);
    waitpid(daemon_pid, NULL, 0);
    assert_int_equal(stat(sock, &st), 0);
    daemon_pid = start_daemon();
    int fd = try_connect();
    send_str(fd, "{\"id\":1,\"cmd\":\"daemon.shutdown\"}\n");
    expect(fd, "1", "true", NULL);
    close(fd);
    waitpid(daemon_pid, &status, 0);
    daemon_pid = 0;
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_socket_is_private_and_single),
        cmocka_unit_test(test_oversized_split_and_bad_requests),
        cmocka_unit_test(test_pipelined_requests_and_later_answers),
        cmocka_unit_test(test_vanishing_and_greedy_clients),
        cmocka_unit_test(test_signals_and_stale_sockets),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
