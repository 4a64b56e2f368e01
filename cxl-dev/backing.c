/*
 * cxl-dev/backing.c - real memory behind a device (or a node's DRAM).
 *
 * Emulated mode backs memory with a memfd: sparse (pages cost nothing until
 * touched) and releasable with hole punching, so the resident size follows
 * what the emulation really holds. Full-system mode backs a pool device with
 * a regular file shared by QEMU guests and the daemon. Both are mapped
 * MAP_SHARED so every view sees the same bytes.
 */
#include "cxldev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int map_fd(struct cxf_backing *b, int fd, uint64_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
    if (p == MAP_FAILED)
        return -errno;
    b->fd = fd;
    b->base = p;
    b->size = size;
    return 0;
}

int cxf_backing_open_memfd(struct cxf_backing *b, const char *name, uint64_t size)
{
    memset(b, 0, sizeof(*b));
    b->fd = -1;
    if (size == 0 || size % CXF_PAGE_SIZE)
        return -EINVAL;
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (ftruncate(fd, (off_t)size) < 0) {
        int rc = -errno;
        close(fd);
        return rc;
    }
    int rc = map_fd(b, fd, size);
    if (rc)
        close(fd);
    return rc;
}

/* Open the shared backing file: an existing regular file at least `size`
 * long (never grown or shrunk: it may hold someone's data), or a new one
 * created here. Symlinks and block devices are refused, so a config cannot
 * aim the emulator at /etc/passwd or a disk. */
static int open_backing_fd(const char *path, uint64_t size)
{
    int fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0 && ftruncate(fd, (off_t)size) < 0) {
            int rc = -errno;
            close(fd);
            unlink(path);
            return rc;
        }
        return fd < 0 ? -errno : fd;
    }
    if (fd < 0)
        return errno == ELOOP ? -EINVAL : -errno;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -EINVAL;
    }
    if ((uint64_t)st.st_size < size) {
        close(fd);
        return -EFBIG;
    }
    return fd;
}

int cxf_backing_open_file(struct cxf_backing *b, const char *path, uint64_t size)
{
    memset(b, 0, sizeof(*b));
    b->fd = -1;
    if (size == 0 || size % CXF_PAGE_SIZE)
        return -EINVAL;
    int fd = open_backing_fd(path, size);
    if (fd < 0)
        return fd;
    int rc = map_fd(b, fd, size);
    if (rc) {
        close(fd);
        return rc;
    }
    b->shared_file = true;
    return 0;
}

void cxf_backing_close(struct cxf_backing *b)
{
    if (b->base)
        munmap(b->base, b->size);
    if (b->fd >= 0)
        close(b->fd);
    b->base = NULL;
    b->fd = -1;
    b->size = 0;
}

int cxf_backing_release(struct cxf_backing *b, uint64_t off, uint64_t len)
{
    if (off > b->size || len > b->size - off || off % CXF_PAGE_SIZE || len % CXF_PAGE_SIZE)
        return -EINVAL;
    if (len == 0)
        return 0;
    if (fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
        return 0;
    /* Filesystems without hole punching: the bytes must still read back as
     * zero, as they would after a real release. */
    memset(b->base + off, 0, len);
    return 0;
}

uint64_t cxf_backing_resident(const struct cxf_backing *b)
{
    struct stat st;
    if (b->fd < 0 || fstat(b->fd, &st) < 0)
        return 0;
    return (uint64_t)st.st_blocks * 512u;
}
