/*
 * bench-smoke: the bench guest with few iterations, for make test: it checks
 * that every case still runs and prints its line, not what the numbers are.
 */
#define BENCH_N 1000UL
#include "../bench/main.c"
