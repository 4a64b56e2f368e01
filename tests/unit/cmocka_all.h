/* tests/unit/cmocka_all.h - the includes cmocka needs, in its required order. */
#ifndef CXF_TEST_CMOCKA_ALL_H
#define CXF_TEST_CMOCKA_ALL_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#endif
