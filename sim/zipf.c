/*
 * sim/zipf.c - Zipfian sampler by rejection-inversion.
 *
 * Method: W. Hormann and G. Derflinger, "Rejection-inversion to generate
 * variates from monotone discrete distributions", ACM TOMACS 6(3), 1996.
 * The continuous hat h(x) = x^-theta is integrated (H) and inverted; a
 * candidate is accepted when it falls under the discrete histogram. Setup and
 * expected sampling cost are O(1) whatever n, unlike the zeta-sum method that
 * needs O(n) setup.
 */
#include "sim.h"

#include <errno.h>
#include <math.h>

/* log1p(x)/x, continuous at 0 */
static double log1p_over_x(double x)
{
    return fabs(x) > 1e-8 ? log1p(x) / x : 1.0 - x * (0.5 - x / 3.0);
}

/* expm1(x)/x, continuous at 0 */
static double expm1_over_x(double x)
{
    return fabs(x) > 1e-8 ? expm1(x) / x : 1.0 + x * (0.5 + x / 6.0);
}

/* h(x) = x^-theta */
static double hat(const struct cxf_zipf *z, double x)
{
    return exp(-z->theta * log(x));
}

/* H(x) = (x^(1-theta) - 1) / (1 - theta), log(x) when theta == 1 */
static double hat_integral(const struct cxf_zipf *z, double x)
{
    double lx = log(x);
    return expm1_over_x((1.0 - z->theta) * lx) * lx;
}

static double hat_integral_inverse(const struct cxf_zipf *z, double y)
{
    double t = y * (1.0 - z->theta);
    if (t < -1.0)
        t = -1.0; /* guard rounding at the lower end of the support */
    return exp(log1p_over_x(t) * y);
}

int cxf_zipf_init(struct cxf_zipf *z, uint64_t n, double theta)
{
    if (n == 0 || !(theta >= 0.0 && theta <= 10.0))
        return -EINVAL;
    z->n = n;
    z->theta = theta;
    z->h_x1 = hat_integral(z, 1.5) - 1.0;
    z->h_n = hat_integral(z, (double)n + 0.5);
    z->s = 2.0 - hat_integral_inverse(z, hat_integral(z, 2.5) - hat(z, 2.0));
    return 0;
}

uint64_t cxf_zipf_sample(const struct cxf_zipf *z, struct cxf_rng *r)
{
    for (;;) {
        double u = z->h_n + cxf_rng_unit(r) * (z->h_x1 - z->h_n);
        double x = hat_integral_inverse(z, u);
        double kd = floor(x + 0.5);
        uint64_t k;
        if (kd < 1.0)
            k = 1;
        else if (kd > (double)z->n)
            k = z->n;
        else
            k = (uint64_t)kd;
        if ((double)k - x <= z->s || u >= hat_integral(z, (double)k + 0.5) - hat(z, (double)k))
            return k - 1;
    }
}

double cxf_zipf_probability(const struct cxf_zipf *z, uint64_t k)
{
    if (k >= z->n)
        return 0.0;
    double norm = 0.0;
    for (uint64_t i = z->n; i >= 1; i--) /* small terms first for accuracy */
        norm += hat(z, (double)i);
    return hat(z, (double)(k + 1)) / norm;
}
