/* The hypervisor's console: picolibc's stdout on top of the SBI console. */
#ifndef LIB_CONSOLE_H
#define LIB_CONSOLE_H

#include <stdbool.h>

void console_init(void);        /* probe DBCN; before the first printf */
bool console_uses_dbcn(void);   /* which SBI console was chosen */
void console_putc(int c);       /* one byte, unformatted, to the console */
int  console_getc(void);        /* one byte from the console, or -1 if none */
#define CONSOLE_MAX_GUESTS  8
#define CONSOLE_HOST        CONSOLE_MAX_GUESTS  /* the hypervisor's own output */
void console_guests(unsigned n);            /* n VMs share the console */
void console_guest_putc(unsigned vm, int c);
int  console_guest_getc(unsigned vm);
void console_guest_flush(void);             /* print lines that stopped growing */
void console_guest_gone(unsigned vm);       /* the VM ended: no more input to it */

#endif
