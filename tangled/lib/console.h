/* The hypervisor's console: picolibc's stdout on top of the SBI console. */
#ifndef LIB_CONSOLE_H
#define LIB_CONSOLE_H

#include <stdbool.h>

void console_init(void);        /* probe DBCN; before the first printf */
bool console_uses_dbcn(void);   /* which SBI console was chosen */
void console_putc(int c);       /* one byte, unformatted, to the console */
int  console_getc(void);        /* one byte from the console, or -1 if none */

#endif
