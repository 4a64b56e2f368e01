/* lackey-sort.c - the program behind tests/data/lackey-sort.trace: no libc,
 * so the trace holds only this code's accesses (stack, .bss, 1/4/8-byte
 * loads, stores and read-modify-writes). */
static unsigned long a[40];
static unsigned hist[16];
static unsigned char text[96];

static unsigned long sort_sum(void)
{
    unsigned long x = 12345, s = 0;
    for (int i = 0; i < 40; i++) {
        x = x * 6364136223846793005ul + 1442695040888963407ul;
        a[i] = x >> 33;
        text[i] = (unsigned char)(x >> 40);
    }
    for (int i = 1; i < 40; i++) { /* insertion sort */
        unsigned long k = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > k) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = k;
    }
    for (int i = 0; i < 96; i++) /* a byte histogram: 4-byte modifies */
        hist[text[i] & 15]++;
    for (int i = 0; i < 40; i++)
        s += a[i] * (unsigned long)i + hist[i & 15];
    return s;
}

void _start(void)
{
    unsigned long s = sort_sum();
    __asm__ volatile("syscall" ::"a"(60), "D"(s & 0x7f) : "rcx", "r11", "memory");
    for (;;) {
    }
}
