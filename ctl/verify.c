/*
 * ctl/verify.c - vm.verify in the daemon: the reference replay runs in a
 * forked child, so the daemon keeps serving its clients and running its
 * VMs meanwhile. The child inherits a copy-on-write snapshot of the VM as
 * it was when verify began, builds its own world, and writes one JSON line
 * to a pipe: {"hash": "0x..", "verify_rc": 0} or {"error": "..."}.
 */
#include "ctl_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_VERIFIES 2u         /* children at once: each may hold a VM's worth of memory */
#define ANSWER_MAX   4096u

static void child(const struct cxf_ctl *c, const struct cxf_vm *vm, int fd)
{
    uint64_t *ops = calloc(vm->nvcpus, sizeof(*ops));
    for (unsigned i = 0; ops && i < vm->nvcpus; i++)
        ops[i] = vm->vcpu[i].regs.ops_done;
    struct cxf_replay ref = {0};
    struct cxf_err e = {{0}};
    int rc = ops ? cxf_ctl_replay(c, vm, ops, &ref, &e) : cxf_fail(&e, -ENOMEM, "out of memory");
    struct json_object *o = json_object_new_object();
    if (rc) {
        json_object_object_add(o, "error", json_object_new_string(e.msg));
    } else {
        json_object_object_add(o, "hash", cxf_json_hash(ref.hash));
        json_object_object_add(o, "verify_rc", json_object_new_int(ref.verify_rc));
    }
    const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    size_t len = strlen(s), off = 0;
    while (off < len) {
        ssize_t n = write(fd, s + off, len - off);
        if (n <= 0 && errno != EINTR)
            break;
        off += n > 0 ? (size_t)n : 0;
    }
    _exit(0); /* no atexit handlers: they belong to the daemon */
}

int cxf_ctl_verify_start(struct cxf_ctl *c, struct cxf_vm *vm, struct json_object **result,
                         struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    uint64_t hash;
    int verify_rc;
    char msg[300];
    int rc = cxf_ctl_vm_check(vm, &hash, &verify_rc, msg, sizeof(msg), e);
    if (rc)
        return rc;
    if (vm->state == CXF_VM_LOST || vm->state == CXF_VM_FAILED) {
        *result = cxf_ctl_verdict(vm, 0, NULL, 0, NULL);
        return 0;
    }
    if (c->verifies_running >= MAX_VERIFIES)
        return cxf_fail(e, -EBUSY, "%u verifications are running; try again when one ends",
                        c->verifies_running);
    int p[2];
    if (pipe2(p, O_CLOEXEC))
        return cxf_fail(e, -errno, "pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]), close(p[1]);
        return cxf_fail(e, -EAGAIN, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        close(p[0]);
        child(c, vm, p[1]);
    }
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    c->verifies_running++;
    wait->kind = CXF_WAIT_VERIFY;
    wait->pid = pid;
    wait->fd = p[0];
    wait->partial = cxf_ctl_verdict(vm, hash, NULL, verify_rc, msg);
    snprintf(wait->vm, sizeof(wait->vm), "%s", vm->name);
    return CXF_CTL_LATER;
}

/* Read what the child wrote; 1 at end of file, 0 for more to come. */
static int drain(struct cxf_ctl_wait *wait)
{
    if (!wait->buf && !(wait->buf = malloc(ANSWER_MAX + 1)))
        return 1;
    for (;;) {
        ssize_t n = read(wait->fd, wait->buf + wait->len, ANSWER_MAX - wait->len);
        if (n > 0) {
            wait->len += (size_t)n;
            if (wait->len == ANSWER_MAX)
                return 1;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
    }
}

/* The child's answer folded into the verdict. */
static int finish(struct cxf_ctl_wait *wait, struct json_object **result, struct cxf_err *e)
{
    wait->buf[wait->len] = '\0';
    struct json_object *ans = json_tokener_parse(wait->buf), *v;
    int rc = 0;
    if (!ans || !json_object_is_type(ans, json_type_object))
        rc = cxf_fail(e, -EIO, "the reference run of %s ended without an answer", wait->vm);
    else if (json_object_object_get_ex(ans, "error", &v))
        rc = cxf_fail(e, -EIO, "%s", json_object_get_string(v));
    if (!rc) {
        struct json_object *o = wait->partial, *ref = NULL, *mine = NULL, *vr = NULL;
        json_object_object_get_ex(ans, "hash", &ref);
        json_object_object_get_ex(ans, "verify_rc", &vr);
        json_object_object_get_ex(o, "hash", &mine);
        json_object_object_add(o, "reference_hash", json_object_get(ref));
        bool same = ref && mine && !strcmp(json_object_get_string(ref), json_object_get_string(mine));
        struct json_object *verifier = NULL;
        json_object_object_get_ex(o, "verifier", &verifier);
        const char *vs = verifier ? json_object_get_string(verifier) : "none";
        bool ok = same && (!strcmp(vs, "ok") || !strcmp(vs, "none"));
        json_object_object_add(o, "integrity", json_object_new_string(ok ? "match" : "mismatch"));
        if (vr && json_object_get_int(vr) != 0)
            json_object_object_add(o, "reference_verifier", json_object_new_string("failed"));
        *result = o;
        wait->partial = NULL;
    }
    json_object_put(ans);
    return rc;
}

int cxf_ctl_verify_poll(struct cxf_ctl *c, struct cxf_ctl_wait *wait, struct json_object **result,
                        struct cxf_err *e)
{
    if (!drain(wait))
        return CXF_CTL_LATER;
    int status = 0;
    while (waitpid(wait->pid, &status, 0) < 0 && errno == EINTR)
        ;
    int rc = 0;
    if (WIFSIGNALED(status))
        rc = cxf_fail(e, -EIO, "the reference run of %s was killed by signal %d", wait->vm,
                      WTERMSIG(status));
    else
        rc = finish(wait, result, e);
    wait->pid = 0;
    cxf_ctl_verify_drop(c, wait);
    return rc;
}

void cxf_ctl_verify_drop(struct cxf_ctl *c, struct cxf_ctl_wait *wait)
{
    if (wait->pid > 0) {
        kill(wait->pid, SIGKILL);
        while (waitpid(wait->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    if (wait->fd >= 0)
        close(wait->fd);
    if (c->verifies_running)
        c->verifies_running--;
    json_object_put(wait->partial);
    free(wait->buf);
    memset(wait, 0, sizeof(*wait));
    wait->fd = -1;
}
