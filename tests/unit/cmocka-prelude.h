/*
 * cmocka-prelude.h: what cmocka.h needs before it, in one place for every unit test.
 */
#ifndef VT_CMOCKA_PRELUDE_H
#define VT_CMOCKA_PRELUDE_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#endif
