/*
 * unit.h — what every unit test program includes: cmocka, the public API and the
 * library's internal headers. Tests are named test_<module>__<case> and run with
 * TAP output (tests/run.sh sets CMOCKA_MESSAGE_OUTPUT=TAP and counts the lines).
 */
#ifndef TM_TESTS_UNIT_H
#define TM_TESTS_UNIT_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "touchmine.h"

/* Directory of tiny fixtures (tests/data), relative to the repository root
 * where tests/run.sh starts every test. */
#define TM_TEST_DATA "tests/data/"

#endif
