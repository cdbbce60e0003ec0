/* fake_hart.h: what the vCPU library's exit handling needs from the hart and
   the firmware, faked for host tests (see fake_hart.c). */
#ifndef FAKE_HART_H
#define FAKE_HART_H
#include <stdint.h>

#define FAKE_RAM_GPA  0x80000000UL
#define FAKE_RAM_SIZE 0x10000UL
extern uint8_t fake_ram[FAKE_RAM_SIZE];     /* guest RAM: physical and (identity) virtual */
extern int fake_virtual_ok;                 /* 0: every guest-virtual access faults */
extern char console[4096];                  /* what the guest printed */
extern unsigned console_len;
extern const char *console_input;           /* what console_getc returns, then -1 */
extern uint64_t fake_time, fake_guest_timer;  /* the hart's clock and timer */
extern uint16_t fake_code[8];                 /* instructions at FAKE_RAM_GPA */
extern unsigned long fake_injected, fake_injected_tval;  /* the last exception injected */
extern unsigned long fake_fetch_fault;      /* the cause of a fetch outside fake_code */
#endif
