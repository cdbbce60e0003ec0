/* An emulated NS16550A UART: registers, a 16-byte receive FIFO, interrupts. */
#ifndef VMM_UART_H
#define VMM_UART_H

#include <stdbool.h>
#include <stdint.h>

enum uart_reg {
    UART_RBR = 0, UART_THR = 0, UART_DLL = 0,
    UART_IER = 1, UART_DLM = 1,
    UART_IIR = 2, UART_FCR = 2,
    UART_LCR = 3, UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7,
};

#define UART_FIFO_SIZE 16

struct uart16550 {
    uint8_t ier, fcr, lcr, mcr, scr;    /* as the guest wrote them (masked) */
    uint8_t dll, dlm;                   /* the divisor latch: stored only */
    uint8_t lsr_errors;                 /* LSR.OE, until LSR is read */
    bool thre_pending;                  /* THR-empty interrupt not yet acknowledged */
    uint8_t rx_fifo[UART_FIFO_SIZE];    /* a ring: rx_count bytes from rx_head */
    unsigned rx_head, rx_count;
    void (*tx)(void *ctx, uint8_t byte);    /* a byte the guest transmits */
    int  (*rx_poll)(void *ctx);             /* next byte of host input, or -1 */
    void *ctx;
};

/* Reset state, with the host's output and input functions (either may be 0). */
void uart_init(struct uart16550 *u, void (*tx)(void *, uint8_t), int (*rx_poll)(void *),
               void *ctx);
/* A guest access to register offset 0..7.  Reads have side effects: RBR takes
 * a byte, IIR acknowledges a THR-empty interrupt, LSR clears OE; before RBR or
 * LSR is answered, waiting host input is pulled into the FIFO. */
uint8_t uart_read(struct uart16550 *u, unsigned offset);
void uart_write(struct uart16550 *u, unsigned offset, uint8_t value);
/* Host input into the receive FIFO; when it is full the byte is lost: LSR.OE. */
void uart_receive(struct uart16550 *u, uint8_t byte);
/* The level of the chip's interrupt output (chapter 8 wires it to the vPLIC). */
bool uart_irq_pending(const struct uart16550 *u);

#endif
